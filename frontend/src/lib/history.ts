// How a ticket's history reads: people by name, fields by their label, values formatted as the
// ticket page shows them, and each change of a field as "from → to". A concurrent edit reads in
// the same words as any other, with a note that it was made at the same time as another.
import type { HistoryEntry } from './api/types'
import { formatMinutes, levelLabel, PRIORITY_LABEL, statusLabel } from './format'

/** Names turns a person's or a ticket's ID into what a reader knows them by. */
export interface Names {
  person: (id: string) => string
  ticket: (id: string) => string
}

export const FIELD_LABEL: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  requester: 'Requester',
  category: 'Category',
  impact: 'Impact',
  urgency: 'Urgency',
  priority: 'Priority',
  priorityOverride: 'Priority override',
  status: 'Status',
  assignee: 'Assignee',
  tier: 'Tier',
  source: 'Source',
  tags: 'Tags',
  links: 'Links',
  comments: 'Comment',
  worklogs: 'Work log',
  escalations: 'Escalation',
  resolution: 'Resolution',
  mergedInto: 'Merged into',
}

/** fieldLabel names a field the way the ticket page labels it ("worklogs" -> "Work log"). */
export function fieldLabel(field: string): string {
  if (FIELD_LABEL[field]) return FIELD_LABEL[field]
  const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
  return words ? words[0].toUpperCase() + words.slice(1) : field
}

const LINK_LABEL: Record<string, string> = {
  'duplicate-of': 'duplicate of',
  related: 'related to',
  parent: 'child of',
  child: 'parent of',
}

/** fieldValue writes one value of a field as the ticket page shows it; '' for none. */
export function fieldValue(field: string, v: unknown, names: Names): string {
  if (v === null || v === undefined || v === '') return ''
  switch (field) {
    case 'status':
      return statusLabel(String(v))
    case 'assignee':
      return names.person(String(v))
    case 'priority':
      return PRIORITY_LABEL[Number(v)] ?? `P${v}`
    case 'impact':
    case 'urgency':
      return levelLabel(String(v))
    case 'tier':
      return `Tier ${v}`
    case 'source':
      return levelLabel(String(v)).replace('-', ' ')
    case 'priorityOverride':
      return v ? 'on' : 'off'
    case 'links': {
      const [type, ...rest] = String(v).split(':')
      return `${LINK_LABEL[type] ?? type} ${names.ticket(rest.join(':'))}`
    }
  }
  if (typeof v === 'string' || typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (field === 'requester') return [o.name, o.contact, o.site].filter(Boolean).join(', ')
    if (typeof o.minutes === 'number') return `${formatMinutes(o.minutes)}${o.note ? ` · ${o.note}` : ''}`
    if (typeof o.handover === 'string')
      return `to tier ${o.toTier}${o.to ? ` (${names.person(String(o.to))})` : ''}: ${o.reason}`
    if (typeof o.body === 'string') return o.body
  }
  return ''
}

export interface HistoryLine {
  /** "Status", "Comment", "Tags", ... */
  label: string
  /** the value before (set fields only, when known) */
  from: string
  /** the new value, or what was added or removed */
  to: string
  /** "changed", "set", "added", "removed", "cleared" */
  verb: 'changed' | 'set' | 'added' | 'removed' | 'cleared'
  concurrent: boolean
  resolves: boolean
  /** why the write was left out of the ticket (its author may not make it); "" when applied */
  refused: string
}

export interface HistoryGroup {
  write: string
  at: string
  by: string
  lines: HistoryLine[]
}

/**
 * readHistory groups entries (oldest first, as the API returns them) by write, newest group
 * first. The lifecycle "events" items restate status and assignee writes and are left out;
 * every set reads "from → to" against the field's value before it.
 */
export function readHistory(entries: HistoryEntry[], names: Names): HistoryGroup[] {
  const last = new Map<string, string>()
  const groups: HistoryGroup[] = []
  for (const e of entries) {
    if (e.field === 'events') continue
    let g = groups[groups.length - 1]
    if (!g || g.write !== e.write) {
      g = { write: e.write, at: e.at, by: names.person(e.by), lines: [] }
      groups.push(g)
    }
    g.lines.push(line(e, names, last))
  }
  return groups.filter((g) => g.lines.length).reverse()
}

function line(e: HistoryEntry, names: Names, last: Map<string, string>): HistoryLine {
  const label = fieldLabel(e.field)
  const base = { label, concurrent: e.concurrent, resolves: e.resolves, refused: e.refused ?? '' }
  if (e.op === 'add' || e.op === 'remove')
    return { ...base, from: '', to: fieldValue(e.field, e.elem, names), verb: e.op === 'add' ? 'added' : 'removed' }
  if (e.op === 'append') {
    const internal = e.field === 'comments' && (e.value as { internal?: boolean } | null)?.internal
    return { ...base, label: internal ? 'Internal note' : label, from: '', to: fieldValue(e.field, e.value, names), verb: 'added' }
  }
  const to = fieldValue(e.field, e.value, names)
  const from = last.get(e.field) ?? ''
  // A concurrent sibling did not see the other value: keep "before" as the value both replaced.
  // A refused write never became the value.
  if (!e.concurrent && !e.refused) last.set(e.field, to)
  const verb = !to ? 'cleared' : from ? 'changed' : 'set'
  return { ...base, from, to, verb }
}

/** lineText is one line as a sentence, for a screen reader or a copy: "Status: New → Assigned". */
export function lineText(l: HistoryLine): string {
  const what =
    l.verb === 'changed' ? `${l.from} → ${l.to}` : l.verb === 'cleared' ? `${l.from || '(empty)'} → (empty)` : l.verb === 'removed' ? `removed ${l.to}` : l.to
  return `${l.label}: ${what}${l.concurrent ? ' (at the same time as another edit)' : ''}${l.refused ? ` (not applied: ${l.refused})` : ''}`
}
