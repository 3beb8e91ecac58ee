// The email channel, through MailService: the team's mailboxes (settings, and credentials that are
// sealed to the handler devices and never come back), the devices that can handle mail, a ticket's
// mail thread in and out, replies by mail, and what this device's handler is doing.
// The shapes are the Go types (gen/); this file narrows the fields with a closed set of values.
import { call } from './transport'
import type * as app from './gen/app'
import type * as channel from './gen/channel'
import type * as handler from './gen/handler'
import type * as mailbox from './gen/mailbox'
import type * as message from './gen/message'
import type { Narrow } from './types'

export type Security = 'tls' | 'starttls' | 'none'
export const SECURITY: [Security, string][] = [
  ['tls', 'TLS'],
  ['starttls', 'STARTTLS'],
  ['none', 'None (unencrypted)'],
]

export interface Server extends Narrow<mailbox.Server, { security: Security }> {}
export interface MailboxSettings extends Narrow<mailbox.Settings, { imap: Server; smtp: Server }> {}
export interface Mailbox extends Narrow<mailbox.Mailbox, { imap: Server; smtp: Server }> {}
export type Credentials = mailbox.Credentials
export type MailDevice = app.MailDevice
export type HandlerStatus = handler.Status
export type Address = message.Address
export type Mail = channel.Mail

export type OutState = 'queued' | 'sent' | 'failed'
export type OutKind = 'reply' | 'ack' | 'done'
export interface Outmail extends Narrow<channel.Outmail, { state: OutState; kind: OutKind }> {}
export interface Thread {
  in: Mail[]
  out: Outmail[]
}

const S = 'MailService'
export const mail = {
  mailboxes: () => call<Mailbox[] | null>(S, 'Mailboxes').then((l) => l ?? []),
  /** save creates (id "") or changes a mailbox; creds null keeps the passwords stored. */
  save: (id: string, s: MailboxSettings, creds: Credentials | null) => call<Mailbox>(S, 'SaveMailbox', id, s, creds),
  remove: (id: string) => call<void>(S, 'DeleteMailbox', id),
  /** test logs in to both servers from this device; it rejects with what failed, in words. */
  test: (id: string, s: MailboxSettings, creds: Credentials | null) => call<void>(S, 'TestMailbox', id, s, creds),
  devices: () => call<MailDevice[] | null>(S, 'Devices').then((l) => l ?? []),
  thread: (ticketId: string) =>
    call<Thread | null>(S, 'Thread', ticketId).then((t) => ({ in: t?.in ?? [], out: t?.out ?? [] })),
  /** reply writes a public comment on the ticket and queues it as mail to the requester. */
  reply: (ticketId: string, text: string, cc: Address[]) => call<Outmail>(S, 'Reply', ticketId, text, cc),
  outbox: () => call<Outmail[] | null>(S, 'Outbox').then((l) => l ?? []),
  status: () => call<HandlerStatus[] | null>(S, 'Status').then((l) => l ?? []),
}
