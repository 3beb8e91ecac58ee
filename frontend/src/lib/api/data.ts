// Data in and out (DataService): demo data, CSV import with a column mapping and a preview,
// CSV export of tickets, backup and restore. In a browser, backups download and upload as
// files; the desktop window has no downloads, so it saves to and restores from a path.
import { call, inWindow, onEvent, request } from './transport'
import type * as app from './gen/app'
import type * as backup from './gen/backup'
import type * as csvio from './gen/csvio'
import type * as demo from './gen/demo'
import type * as ticket from './gen/ticket'
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
  | 'firstResponse'
  | 'resolved'
  | 'closed'
  | 'updated'
  | 'group'
  | 'sla'
  | 'overdue'
  | 'comment'
  | 'timeSpent'
  | 'timeSpentSeconds'

export interface ImportOptions extends Narrow<csvio.Options, { mapping?: ImportField[] }> {}

export type RowError = csvio.RowError

/** A help desk export the import knows (GLPI, Zammad, ...). */
export type ImportPreset = csvio.Preset

/** What an imported ticket keeps of the old system: its ID there, dates, group, SLA result, comments, time spent. */
export interface ImportOrigin extends Narrow<ticket.Origin, { sla?: 'met' | 'breached' | '' }> {}

export interface ImportRow extends Narrow<csvio.Row, { ticket: NewTicket; status: Status; origin: ImportOrigin }> {}

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
  /** importPreview sends the file's bytes as they are, so the backend detects their encoding. */
  importPreview: (content: Uint8Array, opts: ImportOptions) =>
    call<ImportPreview>(D, 'ImportPreview', toBase64(content), opts).then(fillPreview),
  importPresets: () => call<ImportPreset[]>(D, 'ImportPresets').then((ps) => ps ?? []),
  import: (content: Uint8Array, opts: ImportOptions, acceptValid: boolean) =>
    call<ImportResult>(D, 'Import', toBase64(content), opts, acceptValid),
  /** cancelImport stops the running import after the ticket it is writing; false when none runs. */
  cancelImport: () => call<boolean>(D, 'CancelImport'),
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
  return { ...p, header: p.header ?? [], mapping: p.mapping ?? [], rows: p.rows ?? [], errors: p.errors ?? [], clues: p.clues ?? [] }
}

/** toBase64 is how a Go []byte travels in JSON. */
export function toBase64(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
  return btoa(s)
}

/** onDataProgress follows long data tasks (demo data, import, restore). */
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
