import { describe, expect, it } from 'vitest'
import type { Mail, Outmail } from './api/mail'
import { formatWhen } from './dates'
import { address, addresses, delivery, parseCc, replyBlocked, threadItems } from './mailthread'

const mail = (id: string, received: string): Mail => ({
  id, mailbox: 'm', ticket: 't', messageId: `<${id}@x>`, from: { name: 'Ana', email: 'ana@example.com' }, to: [], cc: [],
  subject: 's', date: received, received, text: '', quoted: '', html: '', note: '', auto: '', problems: [], size: 1, files: [], bounce: '', rating: 0,
})
const out = (id: string, queued: string, o: Partial<Outmail> = {}): Outmail => ({
  id, mailbox: 'm', ticket: 't', kind: 'reply', from: { name: 'IT', email: 'help@x' }, to: [], cc: [], subject: 's', text: '', messageId: '',
  inReplyTo: '', references: [], queued, by: 'kim', state: 'queued', attempts: [], sentAt: '', response: '', reason: '', ...o,
})

describe('mail thread', () => {
  it('lists mail in and out oldest first', () => {
    const items = threadItems([mail('b', '2026-01-01T10:05:00Z'), mail('a', '2026-01-01T10:00:00Z')], [out('c', '2026-01-01T10:02:00Z')])
    expect(items.map((i) => `${i.dir}:${i.id}`)).toEqual(['in:a', 'out:c', 'in:b'])
  })

  it('puts a mail sent in reply after the mail it answers', () => {
    const ack = out('ack', '2026-01-01T10:00:00.100Z', { inReplyTo: '<m@x>' })
    const items = threadItems([mail('m', '2026-01-01T10:00:00.300Z')], [ack, out('later', '2026-01-01T10:00:00.200Z')])
    expect(items.map((i) => i.id)).toEqual(['later', 'm', 'ack'])
  })

  it('reads addresses', () => {
    expect(address({ name: 'Ana Ruiz', email: 'ana@x' })).toBe('Ana Ruiz <ana@x>')
    expect(address({ name: '', email: 'ana@x' })).toBe('ana@x')
    expect(addresses(null)).toBe('')
    expect(addresses([{ name: '', email: 'a@x' }, { name: 'B', email: 'b@x' }])).toBe('a@x, B <b@x>')
  })

  it('says what became of an outgoing mail', () => {
    const now = new Date('2026-01-01T10:10:00Z')
    expect(delivery(out('o', '', { state: 'sent', sentAt: '2026-01-01T10:08:00Z' }), now)).toBe(`sent ${formatWhen('2026-01-01T10:08:00Z', { now })}`)
    expect(delivery(out('o', ''))).toBe('queued: waiting for a mail handler to send it')
    const tried = [
      { device: 'd', at: '', started: true, error: '', permanent: false },
      { device: 'd', at: '', started: false, error: 'connection refused', permanent: false },
    ]
    expect(delivery(out('o', '', { attempts: tried }))).toBe('queued, trying again after 1 attempt (last: connection refused)')
    expect(delivery(out('o', '', { state: 'failed', reason: 'mailbox unknown', attempts: tried }))).toBe('failed after 1 attempt: mailbox unknown')
  })

  it('says why a reply cannot be mailed', () => {
    expect(replyBlocked(0, 'ana@x')).toMatch(/no mailbox/)
    expect(replyBlocked(1, '+49 30 1234')).toMatch(/no email address/)
    expect(replyBlocked(1, 'ana@x')).toBe('')
  })

  it('reads the cc line', () => {
    expect(parseCc(' a@x, b@y;c@z  ')).toEqual([{ name: '', email: 'a@x' }, { name: '', email: 'b@y' }, { name: '', email: 'c@z' }])
    expect(parseCc('')).toEqual([])
  })
})
