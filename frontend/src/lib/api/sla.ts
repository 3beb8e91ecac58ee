// SLA state of one ticket and the team's SLA settings, through SLAService. The state is derived on
// every call from the ticket's timeline, the policy and the business calendar; nothing here is stored.
import { call } from './transport'

export type TargetState = 'ok' | 'warning75' | 'warning90' | 'breached' | 'met'

/** Progress is one target (response or resolution) of one ticket, as backend/sla computes it. */
export interface Progress {
  state: TargetState
  priority: number
  share: number
  done: boolean
  paused: boolean
  allHours: boolean
  doneAt?: string
  dueAt?: string
  breachedAt?: string
  targetSeconds: number
  elapsedSeconds: number
  /** business seconds left; negative once breached */
  leftSeconds: number
}

export interface TicketSLA {
  response: Progress
  resolution: Progress
  open: boolean
}

export type Unit = 'minutes' | 'hours' | 'days'
export interface Span {
  amount: number
  unit: Unit
}
export interface Target {
  priority: number
  response: Span
  resolution: Span
  allHours: boolean
}
export interface Policy {
  targets: Target[]
  warnAt: [number, number]
}
export interface WorkingHours {
  open: string
  close: string
}
export interface Calendar {
  zone: string
  allHours: boolean
  /** Sunday first (index = JavaScript's getDay()) */
  week: WorkingHours[]
  holidays: string[]
  dayMinutes: number
}
export interface Settings {
  policy: Policy
  calendar: Calendar
}

const S = 'SLAService'
export const sla = {
  ticket: (id: string) => call<TicketSLA>(S, 'Ticket', id),
  settings: () => call<Settings>(S, 'Settings'),
  defaults: () => call<Settings>(S, 'Defaults'),
  save: (s: Settings) => call<Settings>(S, 'Save', s),
}
