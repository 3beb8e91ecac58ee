// SLA state of one ticket and the team's SLA settings, through SLAService. The state is derived on
// every call from the ticket's timeline, the policy and the business calendar; nothing here is stored.
import { call } from './transport'
import type * as slaGo from './gen/sla'
import type { Narrow } from './types'

export type TargetState = 'ok' | 'warning75' | 'warning90' | 'breached' | 'met'

/** Progress is one target (response or resolution) of one ticket, as backend/sla computes it;
 * leftSeconds are business seconds left, negative once breached. */
export interface Progress extends Narrow<slaGo.Progress, { state: TargetState }> {}

export interface TicketSLA extends Narrow<slaGo.Result, { response: Progress; resolution: Progress }> {}

export type Unit = 'minutes' | 'hours' | 'days'
export interface Span extends Narrow<slaGo.Span, { unit: Unit }> {}
export interface Target extends Narrow<slaGo.Target, { response: Span; resolution: Span }> {}
/** warnAt: the two shares of a target (0..1) at which it warns. */
export interface Policy extends Narrow<slaGo.Policy, { targets: Target[]; warnAt: [number, number] }> {}
export type WorkingHours = slaGo.WorkingHours
/** week: Sunday first (index = JavaScript's getDay()). */
export type Calendar = slaGo.Calendar
export interface Settings extends Narrow<slaGo.Settings, { policy: Policy }> {}
/** Shift: of the open tickets, how many a change of settings moves to another standing, and where. */
export type Shift = slaGo.Shift

const S = 'SLAService'
export const sla = {
  ticket: (id: string) => call<TicketSLA>(S, 'Ticket', id),
  settings: () => call<Settings>(S, 'Settings'),
  defaults: () => call<Settings>(S, 'Defaults'),
  save: (s: Settings) => call<Settings>(S, 'Save', s),
  /** preview checks settings as save does and counts the open tickets they would move; it writes nothing. */
  preview: (s: Settings) => call<Shift>(S, 'Preview', s),
}
