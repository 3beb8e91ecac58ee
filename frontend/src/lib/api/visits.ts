// On-site visits (backend/visit through VisitService): day and week views read from the local replica
// (so they work offline), checklist ticks that merge between devices, outcome notes, derived flags,
// and the iCalendar export.
import { call } from './transport'
import type * as schedule from './gen/schedule'
import type * as visit from './gen/visit'
import type { Narrow } from './types'
import { isoDate } from '../dates'

export type VisitStatus = 'scheduled' | 'in_progress' | 'done' | 'cancelled'

export type ChecklistItem = visit.Item

export type Check = visit.Check

export type FlagKind = 'double-booked' | 'outside-hours' | 'time-off' | 'unknown-technician'
export interface Flag extends Narrow<visit.Flag, { kind: FlagKind }> {}

export interface Visit extends Narrow<visit.Visit, { status: VisitStatus; flags: Flag[] }> {}

/** Start and end are RFC 3339, or wall-clock times ("2026-11-24T09:00") in the technician's zone. */
export type NewVisit = visit.NewVisit

export interface VisitPatch extends Narrow<visit.Patch, { status?: VisitStatus }> {}

export type Interval = schedule.Interval

export interface DayView extends Narrow<visit.DayView, { visits: Visit[] }> {}

export interface WeekRow extends Narrow<visit.WeekRow, { days: Visit[][] }> {}

export interface WeekView extends Narrow<visit.WeekView, { rows: WeekRow[] }> {}

const S = 'VisitService'
export const visits = {
  me: () => call<string>(S, 'Me'),
  day: (techId: string, date: string) => call<DayView>(S, 'Day', techId, date),
  week: (weekStart: string) => call<WeekView>(S, 'Week', weekStart),
  get: (id: string) => call<Visit>(S, 'Get', id),
  forTicket: (ticketId: string) => call<Visit[] | null>(S, 'ForTicket', ticketId).then((v) => v ?? []),
  create: (n: NewVisit) => call<Visit>(S, 'Create', n),
  update: (id: string, p: VisitPatch) => call<Visit>(S, 'Update', id, p),
  checkItem: (id: string, item: string, done: boolean) => call<Visit>(S, 'CheckItem', id, item, done),
  outcome: (id: string, notes: string, complete: boolean) => call<Visit>(S, 'Outcome', id, notes, complete),
  ics: (techId: string) => call<string>(S, 'ICS', techId),
  /** movable: the ticket's visits to come that technician from holds (a reassignment offers to move them). */
  movable: (ticketId: string, from: string) => call<Visit[] | null>(S, 'Movable', ticketId, from).then((v) => v ?? []),
  moveToTechnician: (ticketId: string, from: string, to: string) =>
    call<Visit[] | null>(S, 'MoveToTechnician', ticketId, from, to).then((v) => v ?? []),
  /** timeOffCollisions: the technician's visits to come that fall in their time off. */
  timeOffCollisions: (techId: string) => call<Visit[] | null>(S, 'TimeOffCollisions', techId).then((v) => v ?? []),
}

export const VISIT_STATUS_LABEL: Record<VisitStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
}

/** mondayOf returns the Monday of the week holding d. */
export function mondayOf(d: Date): Date {
  const m = new Date(d.getFullYear(), d.getMonth(), d.getDate())
  m.setDate(m.getDate() - ((m.getDay() + 6) % 7))
  return m
}

/** reviewWeek is the Monday of the week a lead most likely reviews on day d: early in a week
 *  (Monday, Tuesday) the one just ended, later the week in progress. */
export function reviewWeek(d: Date): string {
  const monday = isoDate(mondayOf(d))
  return d.getDay() === 1 || d.getDay() === 2 ? addDays(monday, -7) : monday
}

/** addDays shifts a YYYY-MM-DD date. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return isoDate(new Date(y, m - 1, d + n))
}

/** downloadText offers text as a file download. */
export function downloadText(name: string, text: string, type = 'text/calendar'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
