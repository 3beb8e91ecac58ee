// Pure helpers of the Coaching screen: who a lead can coach, ticket references typed by hand, due dates.
import type { Person } from './api/identity'
import type { Subject } from './api/coaching'

export interface Coachee {
  id: string
  name: string
  /** whether the technician has an Outpost identity: sharing needs their public key */
  hasKey: boolean
  openActions: number
  overdue: number
  items: number
}

/**
 * coachees merges the technician directory (when there is one), the people who are a technician profile,
 * and the technicians this person already has notes about, sorted by name.
 */
export function coachees(directory: { id: string; name: string }[], people: Person[], subjects: Subject[]): Coachee[] {
  const by = new Map<string, Coachee>()
  const get = (id: string, name = id) => {
    let c = by.get(id)
    if (!c) {
      c = { id, name, hasKey: false, openActions: 0, overdue: 0, items: 0 }
      by.set(id, c)
    }
    return c
  }
  for (const d of directory) if (d.id) get(d.id, d.name || d.id)
  for (const p of people) {
    if (!p.technicianId) continue
    const c = get(p.technicianId, p.name)
    if (c.name === c.id) c.name = p.name
    if (p.recipient) c.hasKey = true
  }
  for (const s of subjects) {
    const c = get(s.technicianId)
    c.items = s.items
    c.openActions = s.openActions
    c.overdue = s.overdue
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

/** splitRefs reads ticket references typed as "ABCD-12, ABCD-15 ..." (commas or spaces), without duplicates. */
export function splitRefs(text: string): string[] {
  const out: string[] = []
  for (const r of text.split(/[\s,;]+/)) {
    const t = r.trim().replace(/^#/, '')
    if (t && !out.includes(t)) out.push(t)
  }
  return out
}

/** looksLikeNumber tells a human ticket number (device tag and counter, "ABCD-12") from a ticket ID. */
export function looksLikeNumber(ref: string): boolean {
  return /^[A-Za-z0-9]{4}-\d+$/.test(ref)
}

/** dueLabel says when an action is due relative to today ("due today", "3 days overdue", "due in 5 days"). */
export function dueLabel(due: string | undefined, today: string): string {
  if (!due) return 'no due date'
  const days = Math.round((Date.parse(due + 'T00:00:00Z') - Date.parse(today + 'T00:00:00Z')) / 86_400_000)
  if (Number.isNaN(days)) return due
  if (days === 0) return 'due today'
  if (days === 1) return 'due tomorrow'
  if (days > 1) return `due in ${days} days`
  if (days === -1) return '1 day overdue'
  return `${-days} days overdue`
}
