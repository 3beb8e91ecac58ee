// Data in and out (DataService): demo data, CSV import with a column mapping and a preview,
// CSV export of tickets, backup and restore. In a browser, backups download and upload as
// files; the desktop window has no downloads, so it saves to and restores from a path.
import { call, inWindow, onEvent, request } from './transport'
import type * as app from './gen/app'
import type * as backup from './gen/backup'
import type * as csvio from './gen/csvio'
import type * as demo from './gen/demo'
import type { Narrow, NewTicket, QueueFilter, Status } from './types'

/** What demo data to load: how many tickets; the Go side picks the rest when left out. */
export type DemoConfig = Pick<demo.Config, 'tickets'> & Partial<demo.Config>

export type DemoStats = demo.Stats

export type DemoState = app.DemoState

/** DataProgress is the payload of the data:progress event. */
export interface DataProgress extends Narrow<app.DataProgress, { task: 'demo' | 'import' | 'restore' }> {}

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

export interface ImportOptions extends Narrow<csvio.Options, { mapping?: ImportField[] }> {}

export type RowError = csvio.RowError

export interface ImportRow extends Narrow<csvio.Row, { ticket: NewTicket; status: Status }> {}

export interface ImportPreview extends Narrow<csvio.Preview, { mapping: ImportField[]; rows: ImportRow[] }> {}

export type ImportResult = csvio.Result

export type BackupInfo = backup.Info

/** A restore; path is where the backup was read from (the window's open dialog), cancelled that
 * the person closed the dialog without choosing a file. */
export type RestoreResult = app.RestoreResult

/** BackupResult is a backup saved by the window, or a dialog the person cancelled. */
export type BackupResult = app.BackupResult

export type ExportResult = app.ExportResult

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
