import { describe, expect, it } from 'vitest'
import type { Mailbox } from './api/mail'
import { blockedList, handlerNote, newForm, toCredentials, toForm, toSettings, withSecurity } from './mailform'

const stored: Mailbox = {
  id: 'm1',
  name: 'IT help',
  address: 'help@example.org',
  tag: 'HELP',
  imap: { host: 'imap.example.org', port: 993, security: 'tls' },
  smtp: { host: 'smtp.example.org', port: 587, security: 'starttls' },
  processed: 'Processed',
  sent: 'Sent',
  handlers: ['dev-a'],
  reopenDays: 14,
  maxBytes: 25 << 20,
  autoPerHour: 3,
  acknowledge: true,
  ackTemplate: 'Hello {name}',
  notifyDone: true,
  doneTemplate: 'Done {number}',
  askRating: true,
  blocked: ['spam@example.net', '@junk.example'],
  readers: ['dev-a'],
  updated: '2026-01-02T10:00:00Z',
  conflicts: [],
}

describe('mailbox form', () => {
  it('reads a mailbox and writes the same settings back', () => {
    const f = toForm(stored)
    expect(f.maxMB).toBe(25)
    expect(f.blocked).toBe('spam@example.net\n@junk.example')
    expect(f.imapPassword).toBe('')
    const s = toSettings(f)
    const { id: _id, readers: _r, updated: _u, conflicts: _c, ...settings } = stored
    expect(s).toEqual(settings)
  })

  it('reads a mailbox whose lists came as null', () => {
    const f = toForm({ ...stored, handlers: null as unknown as string[], blocked: null as unknown as string[] })
    expect(f.handlers).toEqual([])
    expect(f.blocked).toBe('')
  })

  it('keeps the stored passwords when an existing mailbox leaves them empty', () => {
    const f = toForm(stored)
    expect(toCredentials(f, true)).toBeNull()
    f.imapPassword = 'new'
    expect(toCredentials(f, true)).toEqual({ imapUser: '', imapPassword: 'new', smtpUser: '', smtpPassword: '' })
  })

  it('always sends credentials for a new mailbox, so a missing one is named', () => {
    expect(toCredentials(newForm(), false)).toEqual({ imapUser: '', imapPassword: '', smtpUser: '', smtpPassword: '' })
  })

  it('chooses this device as the handler of a new mailbox only when it is ready', () => {
    const me = { id: 'me', name: 'ana', this: true, online: true, ready: true }
    expect(newForm([me]).handlers).toEqual(['me'])
    expect(newForm([{ ...me, ready: false }]).handlers).toEqual([])
    expect(handlerNote({ ...me, ready: false })).toBe('not online with this version yet')
    expect(handlerNote(me)).toBe('')
  })

  it('asks for no rating without a resolution notice', () => {
    const f = toForm(stored)
    f.notifyDone = false
    expect(toSettings(f).askRating).toBe(false)
  })

  it('moves a usual port along with the security setting, and leaves an unusual one', () => {
    expect(withSecurity('imap', 993, 'tls', 'starttls')).toBe(143)
    expect(withSecurity('smtp', 587, 'starttls', 'tls')).toBe(465)
    expect(withSecurity('imap', 1993, 'tls', 'starttls')).toBe(1993)
  })

  it('reads blocked senders one a line', () => {
    expect(blockedList(' a@b.c \r\n\n@d.e\n')).toEqual(['a@b.c', '@d.e'])
  })
})
