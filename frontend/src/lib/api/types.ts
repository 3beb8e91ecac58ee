// Types of what the Go services send and take, mirroring backend/ticket, backend/queue,
// backend/core/change and app (JSON field names as the Go struct tags spell them).

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

export interface Requester {
  name: string
  contact: string
  site: string
}

/** SLA state the queue may carry for a ticket (added by the SLA engine; absent when it is not running). */
export interface SlaBadge {
  state?: string
  label?: string
  risk?: string
  dueAt?: string
  breached?: boolean
  remaining?: string
  [key: string]: unknown
}

export interface Summary {
  id: string
  number: string
  title: string
  status: Status
  priority: number
  impact: Level
  urgency: Level
  category: string
  assignee: string
  tier: number
  created: string
  updated: string
  tags: string[]
  conflict: boolean
  /** attachments (absent when none) */
  files?: number
  sla?: SlaBadge | null
}

/** TicketRef names a ticket on pages that hold ticket IDs (problems, vendor cases). */
export interface TicketRef {
  id: string
  number: string
  title: string
  status: Status
}

export interface Comment {
  id: string
  author: string
  at: string
  body: string
  internal: boolean
  /** the number of the merged ticket it was written on */
  mergedFrom?: string
}

export interface WorkLog {
  id: string
  author: string
  at: string
  minutes: number
  note: string
  mergedFrom?: string
}

export interface Escalation {
  id: string
  by: string
  at: string
  fromTier: number
  toTier: number
  to: string
  reason: string
  handover: string
}

export interface Link {
  type: LinkType
  target: string
}

export interface ConflictValue {
  value: unknown
  author: string
  at: string
  write: string
}

export interface Conflict {
  field: string
  values: ConflictValue[]
}

export interface Ticket extends Summary {
  description: string
  requester: Requester
  source: Source
  priorityOverride: boolean
  createdBy: string
  comments: Comment[]
  workLogs: WorkLog[]
  escalations: Escalation[]
  links: Link[]
  conflicts: Conflict[]
  allowedTransitions: Status[]
  /** the ticket this one was merged into */
  mergedInto?: string
  mergedFrom: string[]
  otherRequesters: Requester[]
}

export interface NewTicket {
  title: string
  description?: string
  requester?: Requester
  category?: string
  impact?: Level
  urgency?: Level
  source?: Source
  tags?: string[]
}

export interface Patch {
  title?: string
  description?: string
  requester?: Requester
  category?: string
  impact?: Level
  urgency?: Level
  source?: Source
  tags?: string[]
}

export interface EscalateInput {
  toTier: number
  to: string
  reason: string
  handover: string
  /** checklist items of the category's escalation path, confirmed, by item ID */
  checklist?: Record<string, boolean>
}

export type SortKey = 'priority' | 'age' | 'updated' | (string & {})

export interface QueueFilter {
  text?: string
  statuses?: Status[]
  assignee?: string
  unassigned?: boolean
  priorities?: number[]
  category?: string
  tag?: string
  includeClosed?: boolean
  sort?: SortKey
  limit?: number
  offset?: number
}

export interface QueueResult {
  total: number
  tickets: Summary[]
}

export interface FacetCount {
  value: string
  count: number
}

export interface Facets {
  categories: FacetCount[]
  tags: FacetCount[]
  assignees: FacetCount[]
}

export interface HistoryEntry {
  at: string
  by: string
  device: string
  write: string
  field: string
  op: 'set' | 'append' | 'add' | 'remove' | string
  value?: unknown
  elem?: string
  concurrent: boolean
  resolves: boolean
}

export interface Info {
  version: string
  deviceId: string
  deviceName: string
  deviceTag: string
  dataDir: string
  me: string
  tickets: number
}

export interface PeerStatus {
  device: string
  name: string
  addr: string
  online: boolean
  lastSeen: string
  /** changes this device holds that the peer lacks, as last reported */
  behind: number
  /** changes the peer holds that this device lacks */
  ahead: number
  pulling: boolean
  /** removed from the team (a lost device): its later changes are rejected */
  removed: boolean
  /** its version vector is known: behind and ahead mean something */
  known: boolean
  /** changes received in the current catch-up from it, and how many it said remain */
  received: number
  left: number
}

/** Where this device is in a key rotation; stale means it needs a new invite (message says so). */
export interface KeyState {
  keys: number
  primaryId: string
  stale: boolean
  message?: string
}

/** The payload of the "sync:progress" event. */
export interface SyncProgress {
  peer: string
  received: number
  expected: number
  done: boolean
}

export interface RotateResult {
  unreachable: string[]
  message: string
}

export interface TeamStatus {
  inTeam: boolean
  id: string
  name: string
  address: string
  syncing?: boolean
  discovery?: boolean
  key?: KeyState
  /** addresses the reconnect loop tries */
  known?: string[]
  peers: PeerStatus[]
  stats: Record<string, unknown>
}

/** The payload of the "records:changed" event. */
export interface RecordsChanged {
  kind: string
  ids: string[]
  remote: boolean
}
