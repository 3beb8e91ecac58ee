// Typed wrappers over the backend's services. Components import from here and never call the
// transport directly.
import { call, onEvent, inWindow } from './transport'
import type {
  EscalateInput,
  Facets,
  HistoryEntry,
  Info,
  Link,
  NewTicket,
  Patch,
  PeerStatus,
  QueueFilter,
  QueueResult,
  RecordsChanged,
  ResolutionCode,
  RotateResult,
  Status,
  StoredView,
  SyncProgress,
  TeamStatus,
  Ticket,
  TicketRef,
} from './types'

export { ApiError, fieldErrors, toApiError } from './errors'
export { call, onEvent, inWindow }
export * from './types'

const T = 'TicketService'
export const tickets = {
  queue: (f: QueueFilter) => call<QueueResult>(T, 'Queue', f),
  facets: () => call<Facets>(T, 'Facets'),
  get: (id: string) => call<Ticket>(T, 'Get', id),
  /** refs names tickets by number and title, in the order asked; unknown or deleted ones are left out. */
  refs: (ids: string[]) => (ids.length ? call<TicketRef[] | null>(T, 'Refs', ids).then((r) => r ?? []) : Promise.resolve([] as TicketRef[])),
  create: (n: NewTicket) => call<Ticket>(T, 'Create', n),
  update: (id: string, p: Patch) => call<Ticket>(T, 'Update', id, p),
  transition: (id: string, to: Status, note = '') => call<Ticket>(T, 'Transition', id, to, note),
  /** resolve resolves with one of the team's resolution codes and a note; both are required. */
  resolve: (id: string, code: string, note: string) => call<Ticket>(T, 'Resolve', id, code, note),
  resolutionCodes: () => call<ResolutionCode[]>(T, 'ResolutionCodes'),
  /** saveResolutionCodes replaces the team's list; tickets keep the codes they were resolved with. */
  saveResolutionCodes: (codes: ResolutionCode[]) => call<ResolutionCode[]>(T, 'SaveResolutionCodes', codes),
  assign: (id: string, assignee: string) => call<Ticket>(T, 'Assign', id, assignee),
  /** assignMany assigns several tickets as one action: all of them are written, or none. */
  assignMany: (ids: string[], assignee: string) => call<Ticket[]>(T, 'AssignMany', ids, assignee),
  escalate: (id: string, e: EscalateInput) => call<Ticket>(T, 'Escalate', id, e),
  comment: (id: string, body: string, internal: boolean) => call<Ticket>(T, 'Comment', id, body, internal),
  logWork: (id: string, minutes: number, note: string) => call<Ticket>(T, 'LogWork', id, minutes, note),
  link: (id: string, l: Link) => call<Ticket>(T, 'Link', id, l),
  unlink: (id: string, l: Link) => call<Ticket>(T, 'Unlink', id, l),
  /** merge merges source into target; returns the target. */
  merge: (source: string, target: string) => call<Ticket>(T, 'Merge', source, target),
  overridePriority: (id: string, priority: number, reason: string) =>
    call<Ticket>(T, 'OverridePriority', id, priority, reason),
  resolveConflict: (id: string, field: string, write: string) => call<Ticket>(T, 'ResolveConflict', id, field, write),
  history: (id: string) => call<HistoryEntry[] | null>(T, 'History', id).then((h) => h ?? []),
}

/** views: the queue views this person saved; they follow the person to their other devices. */
export const views = {
  list: () => call<StoredView[]>('ViewService', 'List'),
  save: (name: string, filter: object) => call<StoredView>('ViewService', 'Save', name, filter),
  remove: (id: string) => call<void>('ViewService', 'Remove', id),
}

export const system = {
  info: () => call<Info>('SystemService', 'Info'),
  /** painted tells the backend the queue showed its first rows (the cold-start figure). */
  painted: () => call<number>('SystemService', 'Painted'),
}

export const team = {
  status: () => call<TeamStatus>('TeamService', 'Status'),
  create: (name: string) => call<TeamStatus>('TeamService', 'Create', name),
  invite: () => call<string>('TeamService', 'Invite'),
  join: (code: string) => call<TeamStatus>('TeamService', 'Join', code),
  leave: () => call<void>('TeamService', 'Leave'),
  addPeer: (addr: string) => call<TeamStatus>('TeamService', 'AddPeer', addr),
  forgetPeer: (addr: string) => call<TeamStatus>('TeamService', 'ForgetPeer', addr),
  peers: () => call<PeerStatus[] | null>('TeamService', 'Peers').then((p) => p ?? []),
  rotateKey: () => call<RotateResult>('TeamService', 'RotateKey'),
  removeDevice: (deviceId: string) => call<void>('TeamService', 'RemoveDevice', deviceId),
}

/** onSyncProgress follows catch-ups from peers. */
export function onSyncProgress(cb: (e: SyncProgress) => void): () => void {
  return onEvent<SyncProgress>('sync:progress', cb)
}

/** onRecordsChanged follows commits on this device and from peers. */
export function onRecordsChanged(cb: (e: RecordsChanged) => void): () => void {
  return onEvent<RecordsChanged>('records:changed', cb)
}
