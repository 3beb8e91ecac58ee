// Technicians (backend/technician through TechnicianService): profiles with skills, working hours and
// time off, open load derived from the queue, and assignment suggestions with their reasons.
import { call } from './transport'
import type * as app from './gen/app'
import type * as assign from './gen/assign'
import type * as schedule from './gen/schedule'
import type * as technician from './gen/technician'
import type { Narrow, Ticket } from './types'

export type Role = 'technician' | 'lead' | 'coordinator'
export const ROLES: Role[] = ['technician', 'lead', 'coordinator']

/** A working period starting on `day` (0 Sunday .. 6 Saturday); an end at or before the start ends next day. */
export type Shift = schedule.Shift

export type Hours = schedule.Hours

/** Dates ("2026-12-24", whole days, `to` inclusive) or wall-clock times ("2026-12-24T13:00") in the technician's zone. */
export type TimeOff = schedule.TimeOff

export interface Profile extends Narrow<technician.Profile, { role: Role }> {}

export interface Technician extends Narrow<technician.Technician, { role: Role }> {}

export type AssignSettings = assign.Settings

export type Suggestion = assign.Suggestion

/** The visit window judged instead of now; null when the suggestions are for now. */
export interface Suggestions extends Narrow<app.Suggestions, { visit: schedule.Interval | null }> {}

export type AssignMode = 'round-robin' | 'least-loaded'

export interface AutoAssigned extends Narrow<app.AutoAssigned, { ticket: Ticket; mode: AssignMode }> {}

const S = 'TechnicianService'
export const technicians = {
  list: (includeInactive = false) => call<Technician[] | null>(S, 'List', includeInactive).then((l) => l ?? []),
  get: (id: string) => call<Technician>(S, 'Get', id),
  create: (p: Profile) => call<Technician>(S, 'Create', p),
  update: (id: string, p: Profile) => call<Technician>(S, 'Update', id, p),
  deactivate: (id: string) => call<Technician>(S, 'Deactivate', id),
  reactivate: (id: string) => call<Technician>(S, 'Reactivate', id),
  suggest: (ticketId: string) => call<Suggestions>(S, 'Suggest', ticketId),
  autoAssign: (ticketId: string, mode: AssignMode) => call<AutoAssigned>(S, 'AutoAssign', ticketId, mode),
  categories: () => call<AssignSettings>(S, 'Categories'),
  saveCategories: (s: AssignSettings) => call<AssignSettings>(S, 'SaveCategories', s),
}

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** emptyProfile is a new technician's form: Monday to Friday, 09:00-17:00 in this browser's zone. */
export function emptyProfile(): Profile {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  return {
    name: '',
    email: '',
    phone: '',
    role: 'technician',
    tier: 1,
    skills: {},
    hours: { zone, shifts: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })) },
    timeOff: [],
    onSite: false,
  }
}

/** profileOf copies the editable part of a technician. */
export function profileOf(t: Technician): Profile {
  return {
    name: t.name,
    email: t.email,
    phone: t.phone,
    role: t.role,
    tier: t.tier,
    skills: { ...t.skills },
    hours: { zone: t.hours.zone, shifts: t.hours.shifts.map((s) => ({ ...s })) },
    timeOff: t.timeOff.map((o) => ({ ...o })),
    onSite: t.onSite,
  }
}

/** hoursSummary describes a week of shifts briefly, e.g. "Mon-Fri 09:00-17:00". */
export function hoursSummary(h: Hours): string {
  if (!h.shifts.length) return 'no working hours'
  const byTime = new Map<string, number[]>()
  for (const s of h.shifts) {
    const k = `${s.start}-${s.end}`
    byTime.set(k, [...(byTime.get(k) ?? []), s.day])
  }
  return [...byTime]
    .map(([time, days]) => {
      const sorted = [...new Set(days)].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7))
      const run = sorted.every((d, i) => i === 0 || (sorted[i - 1] + 1) % 7 === d)
      const label = run && sorted.length > 2 ? `${WEEKDAYS[sorted[0]]}-${WEEKDAYS[sorted[sorted.length - 1]]}` : sorted.map((d) => WEEKDAYS[d]).join(', ')
      return `${label} ${time}`
    })
    .join('; ')
}
