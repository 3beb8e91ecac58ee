// The CSV import's column mapping editor: one ticket field per column, each field used by at most
// one column except comments and tags (an export may have several Comment columns), the title required. The backend guesses the mapping from the header names; the person
// corrects it here before the preview is read again.
import type { ImportField, ImportPreview, ImportRow, RowError } from './api/data'

/** Fields in the order the editor offers them, with their labels. */
export const IMPORT_FIELDS: { value: ImportField; label: string }[] = [
  { value: '', label: 'Ignore this column' },
  { value: 'title', label: 'Title' },
  { value: 'description', label: 'Description' },
  { value: 'priority', label: 'Priority (P1-P5 or words)' },
  { value: 'impact', label: 'Impact' },
  { value: 'urgency', label: 'Urgency' },
  { value: 'status', label: 'Status' },
  { value: 'category', label: 'Category' },
  { value: 'requester', label: 'Requester name' },
  { value: 'contact', label: 'Requester email or phone' },
  { value: 'site', label: 'Site' },
  { value: 'created', label: 'Created' },
  { value: 'firstResponse', label: 'First response' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'closed', label: 'Closed' },
  { value: 'updated', label: 'Last updated' },
  { value: 'tags', label: 'Tags (several columns allowed)' },
  { value: 'source', label: 'Source' },
  { value: 'reference', label: 'Number in the old system' },
  { value: 'assignee', label: 'Assignee (matched to a technician)' },
  { value: 'group', label: 'Group or team' },
  { value: 'sla', label: 'SLA result (met or breached)' },
  { value: 'overdue', label: 'SLA exceeded? (yes or no)' },
  { value: 'comment', label: 'Comment (several columns allowed)' },
  { value: 'timeSpent', label: 'Time spent (minutes, 1:30, 1h 30m)' },
  { value: 'timeSpentSeconds', label: 'Time spent in seconds' },
]

/** repeatable fields may be mapped from several columns. */
export function repeatable(f: ImportField): boolean {
  return f === 'comment' || f === 'tags'
}

export function fieldLabel(f: ImportField): string {
  return IMPORT_FIELDS.find((x) => x.value === f)?.label ?? f
}

export interface Mapping {
  header: string[]
  fields: ImportField[]
  /** what the backend guessed, to tell the person what they changed */
  guessed: ImportField[]
}

export function newMapping(header: string[], guessed: ImportField[]): Mapping {
  const g = header.map((_, i) => guessed[i] ?? '')
  return { header: [...header], fields: [...g], guessed: g }
}

/**
 * setField maps column i to f. A field belongs to one column, unless it repeats: the column that
 * had it before is set to "ignore", so the mapping the backend receives is always valid in that respect.
 */
export function setField(m: Mapping, i: number, f: ImportField): Mapping {
  const fields = m.fields.map((x, k) => (k === i ? f : f !== '' && !repeatable(f) && x === f ? '' : x))
  return { ...m, fields }
}

/** problems lists what keeps the mapping from being used (empty when it can be). */
export function problems(m: Mapping): string[] {
  const out: string[] = []
  if (!m.fields.includes('title')) out.push('Choose the column that holds the ticket title.')
  return out
}

/** changed says whether the person changed the guess. */
export function changed(m: Mapping): boolean {
  return m.fields.some((f, i) => f !== m.guessed[i])
}

/** reused names the column that loses field f when it is chosen for column i ('' when none). */
export function reused(m: Mapping, i: number, f: ImportField): string {
  if (f === '' || repeatable(f)) return ''
  const k = m.fields.findIndex((x, j) => j !== i && x === f)
  return k >= 0 ? m.header[k] : ''
}

const DELIMITERS = [',', ';', '\t', '|']

export function delimiterName(d: string): string {
  return { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' }[d] ?? d
}

/**
 * readHeader reads a file's first record with delimiter (guessed like the backend when ''): the
 * character among , ; tab | that occurs most often outside quotes in the first line. Quoted names
 * may hold the delimiter and doubled quotes. The editor needs the header when the backend cannot
 * make a preview because no column looks like a title.
 */
export function readHeader(text: string, delimiter = ''): { delimiter: string; header: string[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let d = delimiter
  if (!d) {
    const firstLine = body.split(/\r?\n/, 1)[0] ?? ''
    const counts = new Map(DELIMITERS.map((x) => [x, 0]))
    let quoted = false
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted
      else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1)
    }
    d = ','
    for (const x of DELIMITERS) if (counts.get(x)! > counts.get(d)!) d = x
  }
  const header: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === d) {
      header.push(cell.trim())
      cell = ''
    } else if (ch === '\n' || ch === '\r') break
    else cell += ch
  }
  if (cell !== '' || header.length > 0) header.push(cell.trim())
  return { delimiter: d, header }
}

/** errorFor finds a preview row's error by its line. */
export function errorsByLine(p: ImportPreview): Map<number, RowError> {
  return new Map(p.errors.map((e) => [e.line, e]))
}

/** summary is the sentence above the preview. */
export function summary(p: ImportPreview): string {
  const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`
  if (p.total === 0) return 'The file has a header but no rows.'
  if (p.errorCount === 0) return `${rows(p.total)}, all ready to import.`
  return `${rows(p.total)}: ${p.valid} ready, ${p.errorCount} with ${p.errorCount === 1 ? 'an error' : 'errors'}.`
}

/** presetReason says which export the file was read as, and why. */
export function presetReason(p: ImportPreview): string {
  if (!p.preset) return 'No preset fits these columns: they are matched by their names.'
  if (!p.detected) return `Read as a ${p.preset} export, as chosen.`
  const clues = (p.clues ?? []).map((c) => `“${c}”`)
  const named = clues.length > 4 ? `${clues.slice(0, 4).join(', ')} and ${clues.length - 4} more` : clues.join(', ')
  return `Detected from its columns ${named}, which only a ${p.preset} export has.`
}

/** ticketNumber is the number an imported row's ticket gets here: the old system's, after its name. */
export function ticketNumber(r: ImportRow): string {
  const id = r.origin.sourceId.startsWith('row-') ? r.origin.sourceId.slice(4, 12) : r.origin.sourceId
  return `${r.origin.system.toUpperCase()}-${id}`
}

/** minutesSpent is the time spent a row's work log keeps, as "1 h 30 min" ('' when none). */
export function minutesSpent(r: ImportRow): string {
  const m = (r.origin.workLogs ?? []).reduce((sum, w) => sum + w.minutes, 0)
  if (m === 0) return ''
  const h = Math.floor(m / 60)
  return h ? `${h} h${m % 60 ? ` ${m % 60} min` : ''}` : `${m} min`
}

/** slaOutcome is the old system's SLA result as the preview shows it. */
export function slaOutcome(r: ImportRow): string {
  return r.origin.sla === 'met' ? 'met' : r.origin.sla === 'breached' ? 'breached' : 'not measured'
}
