// How statuses, priorities, levels and durations read in the UI (dates and times: ./dates).
import type { Level, Status } from './api/types'

export const STATUS_LABEL: Record<Status, string> = {
  new: 'New',
  assigned: 'Assigned',
  in_progress: 'In progress',
  waiting_requester: 'Waiting on requester',
  waiting_third_party: 'Waiting on third party',
  resolved: 'Resolved',
  closed: 'Closed',
  reopened: 'Reopened',
}

export function statusLabel(s: string): string {
  return STATUS_LABEL[s as Status] ?? s
}

export const PRIORITY_LABEL: Record<number, string> = {
  1: 'P1 Critical',
  2: 'P2 High',
  3: 'P3 Moderate',
  4: 'P4 Low',
  5: 'P5 Planning',
}

export function levelLabel(l: Level | string): string {
  return l ? l[0].toUpperCase() + l.slice(1) : ''
}

/** formatMinutes renders a duration: "45m", "2h", "1h 30m". */
export function formatMinutes(m: number): string {
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  const r = m % 60
  return r ? `${h}h ${r}m` : `${h}h`
}

/** parseMinutes reads "90", "90m", "1h", "1h30", "1h 30m", "1.5h" as minutes; NaN when it cannot. */
export function parseMinutes(s: string): number {
  const t = s.trim().toLowerCase()
  if (/^\d+m?$/.test(t)) return parseInt(t, 10)
  const dec = /^(\d+(?:\.\d+)?)h$/.exec(t)
  if (dec) return Math.round(parseFloat(dec[1]) * 60)
  const hm = /^(\d+)h\s*(\d+)m?$/.exec(t)
  if (hm) return parseInt(hm[1], 10) * 60 + parseInt(hm[2], 10)
  return NaN
}

/** historyValue shows a recorded value compactly. */
export function historyValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return statusLabel(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (typeof o.body === 'string') return o.body
    if (typeof o.name === 'string') return [o.name, o.contact, o.site].filter(Boolean).join(', ')
    if (typeof o.minutes === 'number') return `${formatMinutes(o.minutes)}${o.note ? ' · ' + o.note : ''}`
    if (typeof o.handover === 'string') return `to tier ${o.toTier}: ${o.reason}`
    if (typeof o.type === 'string' && ('from' in o || 'to' in o))
      return `${o.type}: ${historyValue(o.from) || '(none)'} → ${historyValue(o.to) || '(none)'}`
  }
  return JSON.stringify(v)
}

/** fieldMessage reads a backend problem next to its label: ("Title", "is required") -> "Title is required". */
export function fieldMessage(label: string, problem: string): string {
  if (/^(is|are|must|needs|has|holds|names|contains|may|should|cannot|can|does)\b/.test(problem)) return `${label} ${problem}`
  return problem ? problem[0].toUpperCase() + problem.slice(1) : ''
}

/** snippetLabel names where a search excerpt comes from: a comment, the description or an SOP's text,
 * or the attachment (by its file name) whose text matched. */
export function snippetLabel(field: string, kind: string, file?: string): string {
  switch (field) {
    case 'comments':
      return 'comment'
    case 'body':
      return kind === 'sop' ? 'text' : kind === 'requester' ? 'contact' : 'description'
    case 'files':
      return file ? `attachment ${file}` : 'attachment'
  }
  return field
}
