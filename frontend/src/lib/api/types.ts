// Types of what the Go services send and take. The shapes come from the Go structs
// (gen/, written by `make types`); this file narrows the fields whose Go type is a named
// string with a closed set of values, which the generator can only call string.
import type * as app from './gen/app'
import type * as change from './gen/change'
import type * as queue from './gen/queue'
import type * as replica from './gen/replica'
import type * as resolution from './gen/resolution'
import type * as sla from './gen/sla'
import type * as ticket from './gen/ticket'
import type * as view from './gen/view'

/**
 * Narrow is the generated type G with some fields replaced by the narrower types of N. Each key
 * of N must be a field of G, so a field renamed in Go fails here; a field of a plain type must
 * also take N's (null aside: the generator marks a Go pointer optional, and encoding/json sends
 * a nil one as null). Object fields are checked where their own narrowed type is declared.
 */
export type Narrow<G, N extends { [K in keyof N]: K extends keyof G ? Fits<N[K], G[K]> : never }> = Omit<G, keyof N> & N

type Fits<N, G> = NonNullable<N> extends object ? unknown : NonNullable<N> extends NonNullable<G> ? unknown : never

export type Status =
  | 'new'
  | 'assigned'
  | 'in_progress'
  | 'waiting_requester'
  | 'waiting_third_party'
  | 'resolved'
  | 'closed'
  | 'reopened'

export const STATUSES: Status[] = [
  'new',
  'assigned',
  'in_progress',
  'waiting_requester',
  'waiting_third_party',
  'resolved',
  'closed',
  'reopened',
]

export type Level = 'high' | 'medium' | 'low'
export const LEVELS: Level[] = ['high', 'medium', 'low']

export type Source = 'phone' | 'email' | 'walk-up' | 'on-site' | 'self'
export const SOURCES: Source[] = ['phone', 'email', 'walk-up', 'on-site', 'self']

export type LinkType = 'duplicate-of' | 'related' | 'parent' | 'child'
export const LINK_TYPES: LinkType[] = ['related', 'duplicate-of', 'parent', 'child']

export type Requester = ticket.Requester

/** SLA state the queue carries for an open ticket (absent when the SLA engine is not running). */
export type SlaBadge = sla.Badge

/** A queue row: a ticket's summary, with its SLA state. */
export interface Summary extends Narrow<queue.Row, { status: Status; impact: Level; urgency: Level; source: Source }> {}

/** TicketRef names a ticket on pages that hold ticket IDs (problems, vendor cases). */
export interface TicketRef extends Narrow<app.TicketRef, { status: Status }> {}

export type Comment = ticket.Comment
export type WorkLog = ticket.WorkLog
export type Escalation = ticket.Escalation
export interface Link extends Narrow<ticket.Link, { type: LinkType }> {}
export type ConflictValue = ticket.ConflictValue
export type Conflict = ticket.Conflict

export interface Ticket
  extends Narrow<
    ticket.Ticket,
    { status: Status; impact: Level; urgency: Level; source: Source; links: Link[]; allowedTransitions: Status[] }
  > {}

/** What a new ticket needs: a title; the Go side fills what is left out with its zero value. */
export type NewTicket = Pick<ticket.NewTicket, 'title'> &
  Partial<Narrow<ticket.NewTicket, { impact: Level; urgency: Level; source: Source }>>

export interface Patch extends Narrow<ticket.Patch, { impact?: Level; urgency?: Level; source?: Source }> {}

export type EscalateInput = ticket.EscalateInput

export type SortKey = 'priority' | 'age' | 'updated' | (string & {})

export interface QueueFilter extends Narrow<queue.Filter, { statuses?: Status[]; sort?: SortKey }> {}

export interface QueueResult extends Narrow<queue.Result, { tickets: Summary[] }> {}

export type FacetCount = queue.Count
export type Facets = queue.Facets

/** One write of a record's history, as the change log holds it (op: set, append, add or remove). */
export type HistoryEntry = change.Entry

export type ResolutionCode = resolution.Code

export type Info = app.Info

export type PeerStatus = replica.PeerStatus

/** Where this device is in a key rotation; stale means it needs a new invite (message says so). */
export type KeyState = replica.KeyState

/** The payload of the "sync:progress" event. */
export type SyncProgress = replica.Progress

export type RotateResult = app.RotateResult

export type TeamStatus = app.TeamStatus

/** The payload of the "records:changed" event. */
export type RecordsChanged = app.RecordsChanged

/** A queue view as the replica keeps it: the filter is the window's own (lib/views). */
export type StoredView = view.View
