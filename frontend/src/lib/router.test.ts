import { describe, expect, it } from 'vitest'
import { href, parseRoute, ScreenSwitch } from './router'

describe('parseRoute', () => {
  const cases: [string, string, { screen: string; params: string[] }][] = [
    ['empty hash', '', { screen: 'queue', params: [] }],
    ['bare #/', '#/', { screen: 'queue', params: [] }],
    ['a screen', '#/visits', { screen: 'visits', params: [] }],
    ['ticket page', '#/ticket/c3jty7gk', { screen: 'ticket', params: ['c3jty7gk'] }],
    ['visits day', '#/visits/day/tech-1/2026-11-23', { screen: 'visits', params: ['day', 'tech-1', '2026-11-23'] }],
    ['trailing and doubled slashes', '#/visits//week/2026-11-23/', { screen: 'visits', params: ['week', '2026-11-23'] }],
    ['query dropped', '#/queue?x=1', { screen: 'queue', params: [] }],
    ['encoded parts decoded', '#/lead/problems/new/a%2Cb', { screen: 'lead', params: ['problems', 'new', 'a,b'] }],
    ['comma list kept whole', '#/lead/problems/new/a,b,c', { screen: 'lead', params: ['problems', 'new', 'a,b,c'] }],
    ['bad escape kept as typed', '#/ticket/%E0%A4%A', { screen: 'ticket', params: ['%E0%A4%A'] }],
  ]
  for (const [name, hash, want] of cases) it(name, () => expect(parseRoute(hash)).toEqual(want))

  it('round-trips href', () => {
    expect(parseRoute(href('visits', 'day', 'tech 1', '2026-11-23'))).toEqual({ screen: 'visits', params: ['day', 'tech 1', '2026-11-23'] })
  })
})

describe('ScreenSwitch', () => {
  it('gives each screen only the params of its own route while the next one loads', () => {
    const sw = new ScreenSwitch<string>()
    const ticket = sw.begin(parseRoute('#/ticket/abc'))
    const shownTicket = ticket('Ticket')
    expect(shownTicket).toEqual({ screen: 'ticket', params: ['abc'], component: 'Ticket' })

    // Leaving for Visits: the ticket page stays shown, with its own params, until Visits has loaded.
    const visits = sw.begin(parseRoute('#/visits/day/tech-1/2026-11-23'))
    expect(shownTicket?.params).toEqual(['abc'])
    expect(visits('Visits')).toEqual({ screen: 'visits', params: ['day', 'tech-1', '2026-11-23'], component: 'Visits' })
  })

  it('drops a load that finishes after the route moved on', () => {
    const sw = new ScreenSwitch<string>()
    const slow = sw.begin(parseRoute('#/reports'))
    const fast = sw.begin(parseRoute('#/ticket/abc'))
    expect(fast('Ticket')?.params).toEqual(['abc'])
    expect(slow('Reports')).toBeNull()
  })

  it('keeps the params it was started with even if the route object changes later', () => {
    const sw = new ScreenSwitch<string>()
    const r = parseRoute('#/ticket/abc')
    const done = sw.begin(r)
    r.params[0] = 'day'
    expect(done('Ticket')?.params).toEqual(['abc'])
  })
})
