// The requester directory (backend/requester through RequesterService): the people who ask for
// help, their addresses, and the tickets they opened.
import { call } from './transport'
import { toBase64 } from './data'
import type * as requesterGo from './gen/requester'
import type { Narrow, Status } from './types'
import type * as ticketGo from './gen/ticket'

export type RequesterInput = requesterGo.Input
export type Requester = requesterGo.Requester
/** A requester as the directory lists them, with their open tickets counted. */
export type ListedRequester = requesterGo.Listed
export type RequesterImport = requesterGo.ImportResult

export interface RequesterTicket extends Narrow<ticketGo.Summary, { status: Status }> {}
/** The requester's page: details, the open tickets, and every ticket newest first. */
export interface RequesterPage extends Narrow<requesterGo.Page, { open: RequesterTicket[]; tickets: RequesterTicket[] }> {}

const R = 'RequesterService'
export const requesters = {
  /** list matches text against name, any address, department and site. */
  list: (text = '') => call<ListedRequester[] | null>(R, 'List', { text }).then((l) => l ?? []),
  get: (id: string) => call<Requester>(R, 'Get', id),
  /** save creates (id "") or changes a requester; field errors name "name", "emails", ... */
  save: (id: string, r: RequesterInput) => call<Requester>(R, 'Save', id, r),
  remove: (id: string) => call<void>(R, 'Delete', id),
  /** merge folds from into into: addresses and tickets move over; returns the survivor. */
  merge: (from: string, into: string) => call<Requester>(R, 'Merge', from, into),
  page: (id: string) => call<RequesterPage>(R, 'Page', id),
  importCSV: (content: Uint8Array) => call<RequesterImport>(R, 'ImportCSV', toBase64(content)),
}

export const emptyRequester = (): RequesterInput => ({ name: '', emails: [], phone: '', site: '', department: '', vip: false, notes: '' })

/** splitEmails reads "a@x.org; b@x.org, c@x.org" as three addresses. */
export function splitEmails(s: string): string[] {
  return s
    .split(/[;,\s]+/)
    .map((e) => e.trim())
    .filter(Boolean)
}
