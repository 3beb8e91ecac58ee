// A running CSV import as the import screen shows it: how far it is, its speed and the time
// left (from the data:progress events and the time since it started), and what it did at the end.
import type { ImportResult } from './api/data'

export interface RunState {
  done: number
  total: number
  elapsedMs: number
}

/** percent is how much of the file has been read, 0 to 100. */
export function percent(s: RunState): number {
  return s.total > 0 ? Math.min(100, Math.floor((100 * s.done) / s.total)) : 0
}

/** rowsPerSecond is the import's speed so far (0 before a second's worth is known). */
export function rowsPerSecond(s: RunState): number {
  return s.elapsedMs > 0 ? Math.round((s.done * 1000) / s.elapsedMs) : 0
}

/** duration writes seconds as "45 s", "3 min 20 s" or "1 h 5 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`
}

/** progressText is the line under the progress bar: rows, rate and time left. */
export function progressText(s: RunState): string {
  const n = (x: number) => x.toLocaleString('en-US')
  const head = `${n(s.done)} of ${n(s.total)} rows (${percent(s)}%)`
  const rate = rowsPerSecond(s)
  if (rate === 0) return head
  return `${head} · ${n(rate)} rows/s · about ${duration((s.total - s.done) / rate)} left`
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** resultText says what an import did: written, already up to date, skipped, and when it stopped early. */
export function resultText(r: ImportResult): string {
  const parts = [`${count(r.imported, 'ticket', 'tickets')} new or updated`]
  if (r.unchanged) parts.push(`${count(r.unchanged, 'ticket', 'tickets')} already up to date`)
  if (r.skipped) parts.push(`${count(r.skipped, 'row', 'rows')} with errors skipped`)
  const saved = r.imported + r.unchanged + r.skipped
  if (r.cancelled) return `Stopped after ${saved.toLocaleString('en-US')} of ${count(r.total, 'row', 'rows')}: ${parts.join(', ')}.`
  return `Done: ${parts.join(', ')}.`
}
