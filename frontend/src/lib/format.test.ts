import { describe, expect, it } from 'vitest'
import { fieldMessage, formatMinutes, historyValue, parseMinutes, snippetLabel, statusLabel } from './format'
import { matrixPriority, splitTags } from './ticketform'
import { href, parseRoute } from './router'
import { resolveTheme, storedTheme } from './theme'
import { People } from './people'

describe('minutes', () => {
  const parse: [string, number][] = [
    ['25', 25],
    ['25m', 25],
    ['1h', 60],
    ['1.5h', 90],
    ['1h30', 90],
    ['1h 30m', 90],
    [' 2H ', 120],
  ]
  for (const [s, want] of parse) it(`parses ${JSON.stringify(s)}`, () => expect(parseMinutes(s)).toBe(want))
  it('rejects nonsense', () => {
    expect(parseMinutes('soon')).toBeNaN()
    expect(parseMinutes('')).toBeNaN()
  })
  it('formats', () => {
    expect(formatMinutes(45)).toBe('45m')
    expect(formatMinutes(120)).toBe('2h')
    expect(formatMinutes(95)).toBe('1h 35m')
  })
})

describe('labels', () => {
  it('names statuses and passes unknown ones through', () => {
    expect(statusLabel('waiting_third_party')).toBe('Waiting on third party')
    expect(statusLabel('archived')).toBe('archived')
  })
  it('reads a field problem after its label', () => {
    expect(fieldMessage('Title', 'is required')).toBe('Title is required')
    expect(fieldMessage('Handover notes', 'needs at least 20 characters')).toBe('Handover notes needs at least 20 characters')
    expect(fieldMessage('Team', 'this device is already in a team')).toBe('This device is already in a team')
  })
  it('shows history values', () => {
    expect(historyValue('in_progress')).toBe('In progress')
    expect(historyValue({ body: 'hi', internal: true })).toBe('hi')
    expect(historyValue({ minutes: 90, note: 'x' })).toBe('1h 30m · x')
    expect(historyValue({ type: 'status', from: 'new', to: 'assigned' })).toBe('status: New → Assigned')
    expect(historyValue(null)).toBe('')
  })
})

describe('ticket form rules', () => {
  it('previews the ITIL matrix', () => {
    expect(matrixPriority('high', 'high')).toBe(1)
    expect(matrixPriority('high', 'low')).toBe(3)
    expect(matrixPriority('low', 'low')).toBe(5)
  })
  it('splits tags', () => expect(splitTags('VPN, remote ,,vpn\nmfa')).toEqual(['vpn', 'remote', 'mfa']))
})

describe('routes', () => {
  it('parses hash routes', () => {
    expect(parseRoute('')).toEqual({ screen: 'queue', params: [] })
    expect(parseRoute('#/ticket/abc%2F1')).toEqual({ screen: 'ticket', params: ['abc/1'] })
    expect(parseRoute('#/settings?x=1')).toEqual({ screen: 'settings', params: [] })
  })
  it('round-trips through href', () => expect(parseRoute(href('ticket', 'a b/c'))).toEqual({ screen: 'ticket', params: ['a b/c'] }))
})

describe('theme', () => {
  it('follows the system unless chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('light', true)).toBe('light')
    expect(storedTheme({ getItem: () => 'dark' })).toBe('dark')
    expect(storedTheme({ getItem: () => 'purple' })).toBe('system')
  })
})

describe('People', () => {
  const p = new People([{ id: 't1', name: 'Ana Lima' }, { id: 't2', name: 'Ben' }], true)
  it('shows names for ids', () => {
    expect(p.name('t1')).toBe('Ana Lima')
    expect(p.name('someone')).toBe('someone')
    expect(p.name('')).toBe('')
  })
  it('resolves what was typed', () => {
    expect(p.resolve('ana lima')).toBe('t1')
    expect(p.resolve('t2')).toBe('t2')
    expect(p.resolve(' Carol ')).toBe('Carol')
    expect(p.resolve('')).toBe('')
  })
})

describe('snippetLabel', () => {
  it('says a match in a text attachment is in that file', () => {
    expect(snippetLabel('files', 'ticket', 'spooler.log')).toBe('attachment spooler.log')
    expect(snippetLabel('files', 'sop')).toBe('attachment')
  })
  it('names the other fields as before', () => {
    expect(snippetLabel('comments', 'ticket')).toBe('comment')
    expect(snippetLabel('body', 'ticket')).toBe('description')
    expect(snippetLabel('body', 'sop')).toBe('text')
    expect(snippetLabel('body', 'requester')).toBe('contact')
  })
})
