// Data in and out (DataService): demo data, CSV import with a column mapping and a preview,
// CSV export of tickets, backup and restore. In a browser, backups download and upload as
// files; the desktop window has no downloads, so it saves to and restores from a path.
import { call, inWindow, onEvent, request } from './transport'
import type { NewTicket, QueueFilter, Status } from './types'

export interface DemoConfig {
  tickets: number
  technicians?: number
  sops?: number
  seed?: number
}

export interface DemoStats {
  tickets: number
  technicians: string[]
  sops: number
  open: number
  visits: number
  problems: number
  vendorCases: number
  onboarding: number
  coachingItems: number
  coachingLead: string
  coachingReadable: boolean
  changes: number
}

export interface DemoState {
  allowed: boolean
  reason?: string
  coaching: string
}

/** DataProgress is the payload of the data:progress event. */
export interface DataProgress {
  task: 'demo' | 'restore'
  phase: string
  done: number
  total: number
}

/** A ticket field a CSV column can map to; '' ignores the column. */
export type ImportField =
  | ''
  | 'title'
  | 'description'
  | 'priority'
  | 'impact'
  | 'urgency'
  | 'status'
  | 'category'
  | 'requester'
  | 'contact'
  | 'site'
  | 'created'
  | 'tags'
  | 'source'
  | 'reference'
  | 'assignee'

export interface ImportOptions {
  delimiter?: string
  mapping?: ImportField[]
  dayFirst?: boolean
  from?: string
}

export interface RowError {
  line: number
  column?: string
  message: string
}

export interface ImportRow {
  line: number
  ticket: NewTicket
  status: Status
  created?: string
  reference?: string
  assignee?: string
  error?: RowError
}

export interface ImportPreview {
  delimiter: string
  header: string[]
  mapping: ImportField[]
  dayFirst: boolean
  rows: ImportRow[]
  errors: RowError[]
  errorCount: number
  total: number
  valid: number
}

export interface ImportResult {
  imported: number
  skipped: number
}

export interface BackupInfo {
  device: string
  deviceName: string
  taken: string
  changes: number
}

export interface RestoreResult {
  info: BackupInfo
  applied: number
  duplicates: number
  rejected: number
  /** Where the backup was read from (the window's open dialog). */
  path?: string
  /** The person closed the open dialog without choosing a file. */
  cancelled?: boolean
}

/** BackupResult is a backup saved by the window, or a dialog the person cancelled. */
export interface BackupResult extends BackupInfo {
  path?: string
  cancelled?: boolean
}

export interface ExportResult {
  path?: string
  tickets: number
  cancelled?: boolean
}

const D = 'DataService'
export const data = {
  demoStatus: () => call<DemoState>(D, 'DemoStatus'),
  loadDemo: (cfg: DemoConfig) => call<DemoStats>(D, 'LoadDemo', cfg),
  importPreview: (content: string, opts: ImportOptions) =>
    call<ImportPreview>(D, 'ImportPreview', content, opts).then(fillPreview),
  import: (content: string, opts: ImportOptions, acceptValid: boolean) => call<ImportResult>(D, 'Import', content, opts, acceptValid),
  exportTickets: (f: QueueFilter) => call<string>(D, 'ExportTickets', f),
  /** exportTicketsFile (window only) asks where to save, in the native dialog, and saves the CSV there. */
  exportTicketsFile: (f: QueueFilter) => call<ExportResult>(D, 'ExportTicketsFile', f),
  /** backup (window only) asks where to save the backup, in the native dialog. */
  backup: () => call<BackupResult>(D, 'Backup'),
  /** restore (window only) asks for the backup file, in the native dialog, and merges it. */
  restore: () => call<RestoreResult>(D, 'Restore'),
  /** downloadBackup fetches a backup from `outpost serve` (browser only) as a file and its name. */
  async downloadBackup(): Promise<{ blob: Blob; name: string }> {
    const res = await request('/api/data/backup')
    const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')
    return { blob: await res.blob(), name: m ? m[1] : 'outpost.outpost' }
  },
  /** uploadRestore sends a backup file to `outpost serve` (browser only) and restores it. */
  async uploadRestore(file: Blob): Promise<RestoreResult> {
    const res = await request('/api/data/restore', { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } })
    return (await res.json()) as RestoreResult
  },
  inWindow,
}

function fillPreview(p: ImportPreview): ImportPreview {
  return { ...p, header: p.header ?? [], mapping: p.mapping ?? [], rows: p.rows ?? [], errors: p.errors ?? [] }
}

/** onDataProgress follows long data tasks (demo data, restore). */
export function onDataProgress(cb: (p: DataProgress) => void): () => void {
  return onEvent<DataProgress>('data:progress', cb)
}

/** saveBlob offers a blob as a file download in the browser. */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
