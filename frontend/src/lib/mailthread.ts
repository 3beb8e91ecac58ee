// A ticket's mail thread as the ticket page shows it: mail received and sent in one list, oldest
// first; addresses as a person reads them; what became of each outgoing mail; and whether a reply
// by mail can be written at all.
import type { Address, Mail, Outmail } from './api/mail'
import { formatWhen } from './dates'

export type ThreadItem = { dir: 'in'; at: string; id: string; m: Mail } | { dir: 'out'; at: string; id: string; o: Outmail }

const time = (s: string) => {
  const t = Date.parse(s)
  return Number.isNaN(t) ? 0 : t
}

/**
 * threadItems merges the mail in and out, oldest first (received, or queued, is when it happened
 * here). A mail sent in reply comes after the mail it answers even when its clock says a little
 * earlier (an acknowledgement is queued as the mail is taken in, before its receipt is stamped).
 */
export function threadItems(inMail: readonly Mail[], outMail: readonly Outmail[]): ThreadItem[] {
  const received = new Map(inMail.map((m) => [m.messageId, time(m.received || m.date)]))
  const items = [
    ...inMail.map((m) => ({ item: { dir: 'in' as const, at: m.received || m.date, id: m.id, m }, t: time(m.received || m.date), after: 0 })),
    ...outMail.map((o) => ({ item: { dir: 'out' as const, at: o.queued, id: o.id, o }, t: Math.max(time(o.queued), received.get(o.inReplyTo) ?? 0), after: 1 })),
  ]
  return items.sort((a, b) => a.t - b.t || a.after - b.after || a.item.id.localeCompare(b.item.id)).map((x) => x.item)
}

/** address reads "Ana Ruiz <ana@example.com>", or the bare address without a name. */
export function address(a: Address): string {
  return a.name && a.name !== a.email ? `${a.name} <${a.email}>` : a.email
}

/** addresses lists several, comma-separated; none reads "". */
export function addresses(list: readonly Address[] | null | undefined): string {
  return (list ?? []).map(address).join(', ')
}

/** KIND_LABEL names what an outgoing mail is. */
export const KIND_LABEL: Record<Outmail['kind'], string> = {
  reply: 'reply',
  ack: 'acknowledgement',
  done: 'resolution notice',
}

/** delivery says what became of an outgoing mail: queued (with its failed tries), sent when, or failed why. */
export function delivery(o: Outmail, now = new Date()): string {
  const tries = (o.attempts ?? []).filter((a) => !a.started)
  const n = tries.length
  const attempts = n ? ` after ${n} attempt${n === 1 ? '' : 's'}` : ''
  switch (o.state) {
    case 'sent':
      return `sent ${formatWhen(o.sentAt, { now })}`
    case 'failed':
      return `failed${attempts}: ${o.reason || 'no reason given'}`
    default: {
      const last = [...tries].reverse().find((a) => a.error)
      return last ? `queued, trying again${attempts} (last: ${last.error})` : 'queued: waiting for a mail handler to send it'
    }
  }
}

/**
 * replyBlocked says why no reply can be mailed from the ticket, or "" when one can: the team needs
 * a mailbox, and the requester an email address.
 */
export function replyBlocked(mailboxes: number, contact: string | undefined): string {
  if (!mailboxes) return 'The team has no mailbox yet: set one up under Settings, Mail.'
  if (!(contact ?? '').includes('@')) return "The requester has no email address: add one to the ticket's requester to reply by mail."
  return ''
}

/** parseCc reads the optional cc line: addresses separated by commas, semicolons or spaces. */
export function parseCc(text: string): Address[] {
  return text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((email) => ({ name: '', email }))
}
