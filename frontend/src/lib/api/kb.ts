// The knowledge base (backend/sop through KBService) and full-text search over tickets and SOPs
// (backend/search through SearchService), plus opening links outside the app.
import { call, inWindow } from './transport'
import type { Summary as TicketSummary } from './types'

export interface SOPSummary {
  id: string
  title: string
  category: string
  tags: string[]
  owner: string
  reviewBy: string
  stale: boolean
  forked: boolean
  resolved: number
  created: string
  updated: string
  conflict: boolean
}

export interface Revision {
  id: string
  parents: string[]
  title: string
  body?: string
  note: string
  author: string
  at: string
  head: boolean
  size: number
}

export interface Article extends SOPSummary {
  body: string
  current: string
  heads: Revision[]
  revisions: number
  tickets: string[]
  createdBy: string
  conflicts: string[]
  resolvedTickets: TicketSummary[]
}

export interface NewSOP {
  title: string
  body: string
  category: string
  tags: string[]
  owner: string
  reviewBy: string
}

export interface SOPMeta {
  category?: string
  tags?: string[]
  owner?: string
  reviewBy?: string
}

export interface SOPFilter {
  category?: string
  tag?: string
  owner?: string
  stale?: boolean
  forked?: boolean
  sort?: 'title' | 'updated' | 'reviewBy' | 'resolved'
}

export interface DiffLine {
  op: 'equal' | 'insert' | 'delete'
  text: string
  old: number
  new: number
}

export interface Hunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  lines: DiffLine[]
}

export interface Diff {
  from: Revision
  to: Revision
  oldTitle: string
  newTitle: string
  added: number
  removed: number
  hunks: Hunk[]
}

export interface Snippet {
  name: string
  body: string
}

/** A run of text in a search result; match marks the words that matched. Render as text, never HTML. */
export interface Part {
  text: string
  match?: boolean
}

export interface Hit {
  kind: 'ticket' | 'sop'
  id: string
  score: number
  title: Part[]
  number?: string
  status?: string
  category?: string
  priority?: string
  updated: string
  snippets: { field: string; parts: Part[] }[]
}

export interface Suggestion extends Hit {
  linked: boolean
}

export interface SearchQuery {
  text: string
  kinds?: ('ticket' | 'sop')[]
  statuses?: string[]
  category?: string
  limit?: number
  offset?: number
  facets?: boolean
}

export interface SearchStatus {
  ready: boolean
  rebuilt: boolean
  docs: number
  pending: number
}

export interface SearchResult {
  total: number
  took: number
  hits: Hit[]
  facets: Record<string, Record<string, number>>
  status: SearchStatus
}

export const kb = {
  list: (f: SOPFilter = {}) => call<SOPSummary[]>('KBService', 'List', f),
  get: (id: string) => call<Article>('KBService', 'Get', id),
  create: (s: NewSOP) => call<Article>('KBService', 'Create', s),
  save: (id: string, body: string, title: string, parents: string[], summary: string) =>
    call<Article>('KBService', 'Save', id, body, title, parents, summary),
  update: (id: string, m: SOPMeta) => call<Article>('KBService', 'Update', id, m),
  remove: (id: string) => call<void>('KBService', 'Delete', id),
  revisions: (id: string) => call<Revision[]>('KBService', 'Revisions', id),
  revision: (id: string, rev: string) => call<Revision>('KBService', 'Revision', id, rev),
  diff: (id: string, a: string, b: string) => call<Diff>('KBService', 'Diff', id, a, b),
  restore: (id: string, rev: string) => call<Article>('KBService', 'Restore', id, rev),
  stale: (owner: string) => call<SOPSummary[]>('KBService', 'Stale', owner),
  linkTicket: (id: string, ticketId: string) => call<Article>('KBService', 'LinkTicket', id, ticketId),
  unlinkTicket: (id: string, ticketId: string) => call<Article>('KBService', 'UnlinkTicket', id, ticketId),
  suggest: (ticketId: string) => call<Suggestion[]>('KBService', 'Suggest', ticketId),
  snippets: (id: string) => call<Snippet[]>('KBService', 'Snippets', id),
}

export const search = {
  query: (q: SearchQuery) => call<SearchResult>('SearchService', 'Search', q),
  status: () => call<SearchStatus>('SearchService', 'Status'),
}

/** openExternal opens a URL in the system browser (desktop window) or a new tab (browser). */
export function openExternal(url: string) {
  const rt = (window as unknown as { runtime?: { BrowserOpenURL?: (u: string) => void } }).runtime
  if (inWindow() && rt?.BrowserOpenURL) rt.BrowserOpenURL(url)
  else window.open(url, '_blank', 'noopener,noreferrer')
}
