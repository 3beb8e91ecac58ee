// The knowledge base (backend/sop through KBService) and full-text search over tickets and SOPs
// (backend/search through SearchService), plus opening links outside the app.
import { call, inWindow } from './transport'
import type * as app from './gen/app'
import type * as searchGo from './gen/search'
import type * as sop from './gen/sop'
import type { Narrow, Summary as TicketSummary } from './types'

export type SOPSummary = sop.Summary

export type Revision = sop.Revision

export interface Article extends Narrow<app.Article, { resolvedTickets: TicketSummary[] }> {}

export type NewSOP = sop.NewSOP

export type SOPMeta = sop.Meta

export interface SOPFilter extends Narrow<sop.Filter, { sort?: 'title' | 'updated' | 'reviewBy' | 'resolved' }> {}

export interface DiffLine extends Narrow<sop.Line, { op: 'equal' | 'insert' | 'delete' }> {}

export interface Hunk extends Narrow<sop.Hunk, { lines: DiffLine[] }> {}

export interface Diff extends Narrow<sop.Diff, { hunks: Hunk[] }> {}

export type Snippet = sop.Snippet

/** A run of text in a search result; match marks the words that matched. Render as text, never HTML. */
export type Part = searchGo.Part

export type HitKind = 'ticket' | 'sop' | 'requester'
export interface Hit extends Narrow<searchGo.Hit, { kind: HitKind }> {}

export interface Suggestion extends Narrow<searchGo.Suggestion, { kind: HitKind }> {}

export interface SearchQuery extends Narrow<searchGo.Query, { kinds?: HitKind[] }> {}

export type SearchStatus = searchGo.Status

export interface SearchResult
  extends Narrow<searchGo.Result, { hits: Hit[]; facets: Record<string, Record<string, number>> }> {}

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
