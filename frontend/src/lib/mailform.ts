// The mailbox settings form: a mailbox as the form edits it (ports as numbers, the size limit in MB,
// blocked senders one a line, passwords that start empty), and back to what MailService.SaveMailbox
// and TestMailbox take. Passwords are never read back: an existing mailbox whose credential fields
// are all left empty keeps the ones sealed to its handlers (credentials null).
import type { Credentials, Mailbox, MailboxSettings, MailDevice, Security } from './api/mail'

const MB = 1 << 20

export interface MailboxForm {
  name: string
  address: string
  tag: string
  imapHost: string
  imapPort: number
  imapSecurity: Security
  smtpHost: string
  smtpPort: number
  smtpSecurity: Security
  imapUser: string
  imapPassword: string
  smtpUser: string
  smtpPassword: string
  processed: string
  sent: string
  handlers: string[]
  acknowledge: boolean
  ackTemplate: string
  notifyDone: boolean
  doneTemplate: string
  askRating: boolean
  reopenDays: number
  maxMB: number
  autoPerHour: number
  blocked: string
}

/** The usual port of each protocol under each security setting. */
const PORTS: Record<'imap' | 'smtp', Record<Security, number>> = {
  imap: { tls: 993, starttls: 143, none: 143 },
  smtp: { tls: 465, starttls: 587, none: 25 },
}

/** newForm is a new mailbox: the usual ports and folders, and this device as its handler when it can be one. */
export function newForm(devices: readonly MailDevice[] = []): MailboxForm {
  const me = devices.find((d) => d.this && d.ready)
  return {
    name: '',
    address: '',
    tag: 'HELP',
    imapHost: '',
    imapPort: PORTS.imap.tls,
    imapSecurity: 'tls',
    smtpHost: '',
    smtpPort: PORTS.smtp.starttls,
    smtpSecurity: 'starttls',
    imapUser: '',
    imapPassword: '',
    smtpUser: '',
    smtpPassword: '',
    processed: 'Processed',
    sent: 'Sent',
    handlers: me ? [me.id] : [],
    acknowledge: true,
    ackTemplate: '',
    notifyDone: true,
    doneTemplate: '',
    askRating: false,
    reopenDays: 14,
    maxMB: 25,
    autoPerHour: 3,
    blocked: '',
  }
}

/** toForm reads a stored mailbox into the form; its passwords stay empty (they never come back). */
export function toForm(m: Mailbox): MailboxForm {
  return {
    ...newForm(),
    name: m.name,
    address: m.address,
    tag: m.tag,
    imapHost: m.imap.host,
    imapPort: m.imap.port,
    imapSecurity: m.imap.security,
    smtpHost: m.smtp.host,
    smtpPort: m.smtp.port,
    smtpSecurity: m.smtp.security,
    processed: m.processed,
    sent: m.sent,
    handlers: [...(m.handlers ?? [])],
    acknowledge: m.acknowledge,
    ackTemplate: m.ackTemplate,
    notifyDone: m.notifyDone,
    doneTemplate: m.doneTemplate,
    askRating: m.askRating,
    reopenDays: m.reopenDays,
    maxMB: Math.round((m.maxBytes / MB) * 10) / 10,
    autoPerHour: m.autoPerHour,
    blocked: (m.blocked ?? []).join('\n'),
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0)

/** toSettings is what SaveMailbox takes from the form. */
export function toSettings(f: MailboxForm): MailboxSettings {
  return {
    name: f.name.trim(),
    address: f.address.trim(),
    tag: f.tag.trim().toUpperCase(),
    imap: { host: f.imapHost.trim(), port: num(f.imapPort), security: f.imapSecurity },
    smtp: { host: f.smtpHost.trim(), port: num(f.smtpPort), security: f.smtpSecurity },
    processed: f.processed.trim(),
    sent: f.sent.trim(),
    handlers: [...f.handlers],
    acknowledge: f.acknowledge,
    ackTemplate: f.ackTemplate,
    notifyDone: f.notifyDone,
    doneTemplate: f.doneTemplate,
    askRating: f.notifyDone && f.askRating,
    reopenDays: num(f.reopenDays),
    maxBytes: Math.round(num(f.maxMB) * MB),
    autoPerHour: num(f.autoPerHour),
    blocked: blockedList(f.blocked),
  }
}

/** blockedList is one sender (an address or @domain) a line, blank lines dropped. */
export function blockedList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

/**
 * toCredentials is what SaveMailbox and TestMailbox take as credentials: null (keep the stored
 * ones) for an existing mailbox whose credential fields are all empty; otherwise all four, so the
 * backend can say which one is missing.
 */
export function toCredentials(f: MailboxForm, existing: boolean): Credentials | null {
  const c = { imapUser: f.imapUser.trim(), imapPassword: f.imapPassword, smtpUser: f.smtpUser.trim(), smtpPassword: f.smtpPassword }
  if (existing && !c.imapUser && !c.imapPassword && !c.smtpUser && !c.smtpPassword) return null
  return c
}

/** withSecurity changes a server's security and, when its port was the usual one, the port with it. */
export function withSecurity(proto: 'imap' | 'smtp', port: number, from: Security, to: Security): number {
  return port === PORTS[proto][from] ? PORTS[proto][to] : port
}

/** handlerNote says why a device cannot be chosen as a handler, or "" when it can. */
export function handlerNote(d: MailDevice): string {
  return d.ready ? '' : 'not online with this version yet'
}
