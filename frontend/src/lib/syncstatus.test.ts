import { describe, expect, it } from 'vitest'
import type { PeerStatus, TeamStatus } from './api/types'
import { syncView, track, type LiveProgress } from './syncstatus'

const peer = (over: Partial<PeerStatus> = {}): PeerStatus => ({
  device: 'dev-ana',
  name: 'ana',
  addr: '127.0.0.1:7481',
  online: true,
  lastSeen: '2026-01-05T10:00:00Z',
  behind: 0,
  ahead: 0,
  pulling: false,
  removed: false,
  known: true,
  received: 0,
  left: 0,
  ...over,
})

const team = (peers: PeerStatus[], over: Partial<TeamStatus> = {}): TeamStatus => ({
  inTeam: true,
  id: 't1',
  name: 'Desk',
  address: '127.0.0.1:7482',
  syncing: true,
  discovery: false,
  key: { keys: 1, primaryId: 'k1', stale: false, otherTeam: false },
  known: [],
  peers,
  stats: { received: 0, dropped: 0, applied: 0, rejected: 0, relayed: 0, pullsSent: 0, chunksServed: 0, inboxFull: 0, bytesIn: 0, bytesOut: 0, muted: 0, mutes: 0 },
  ...over,
})

const polled = 1000
const report = (received: number, expected: number, done = false, at = polled + 10): Record<string, LiveProgress> =>
  track({}, { peer: 'dev-ana', received, expected, done }, at)

describe('syncView', () => {
  const cases: [string, TeamStatus | null, Record<string, LiveProgress>, string, string][] = [
    ['status not read yet', null, {}, 'off', 'sync off'],
    ['in no team', team([], { inTeam: false, syncing: false }), {}, 'off', 'sync off'],
    ['in a team, replica not running', team([peer()], { syncing: false }), {}, 'off', 'sync off'],
    ['first device of a team', team([]), {}, 'alone', 'no peer reachable'],
    ['every peer offline', team([peer({ online: false }), peer({ device: 'dev-ben', online: false })]), {}, 'alone', 'no peer reachable'],
    ['an offline peer it lacks changes of is no catch-up', team([peer({ online: false, ahead: 40 })]), {}, 'alone', 'no peer reachable'],
    ['a removed device online counts for nothing', team([peer({ removed: true })]), {}, 'alone', 'no peer reachable'],
    ['one peer online, nothing missing', team([peer(), peer({ device: 'dev-ben', online: false })]), {}, 'insync', 'in sync'],
    ['peer online, its vector not known yet', team([peer({ known: false })]), {}, 'syncing', 'syncing…'],
    ['pull out, no chunk yet, peer holds 500 more', team([peer({ pulling: true, ahead: 500 })]), {}, 'syncing', 'syncing 0 of 500'],
    ['pull out, peer vector unknown', team([peer({ pulling: true, known: false })]), {}, 'syncing', 'syncing…'],
    ['catch-up under way, polled', team([peer({ pulling: true, ahead: 2000, received: 1000, left: 2000 })]), {}, 'syncing', 'syncing 1,000 of 3,000'],
    ['between two pulls of a catch-up', team([peer({ ahead: 2000, received: 1000, left: 2000 })]), {}, 'syncing', 'syncing 1,000 of 3,000'],
    ['a report newer than the status', team([peer()]), report(200, 3000), 'syncing', 'syncing 200 of 3,000'],
    ['a report older than the status', team([peer()]), report(200, 3000, false, polled - 1), 'insync', 'in sync'],
    ['a done report newer than the status', team([peer({ pulling: true, received: 2900, left: 100 })]), report(3000, 3000, true), 'insync', 'in sync'],
    ['a report from a peer offline since', team([peer({ online: false })]), report(200, 3000, false, polled - 1), 'alone', 'no peer reachable'],
    ['a report newer than a status that says its peer is offline', team([peer({ online: false })]), report(200, 3000), 'syncing', 'syncing 200 of 3,000'],
    ['first catch-up: a report from a peer the status does not list yet', team([]), report(500, 12900), 'syncing', 'syncing 500 of 12,900'],
    ['a done report from a peer not listed yet', team([]), report(12900, 12900, true), 'syncing', 'syncing…'],
  ]
  for (const [name, t, live, state, label] of cases) {
    it(name, () => {
      const v = syncView(t, polled, live)
      expect([v.state, v.label]).toEqual([state, label])
    })
  }

  it('counts a catch-up as numbers, for a bar', () => {
    const v = syncView(team([peer()]), polled, report(200, 3000))
    expect([v.received, v.expected]).toEqual([200, 3000])
    expect(v.detail).toBe('Catching up from ana: 200 of 3000 changes received.')
  })

  it('says why no peer is reachable when the key is out of date', () => {
    const v = syncView(team([peer({ online: false })], { key: { keys: 1, primaryId: 'k1', stale: true, otherTeam: false, message: 'Ask for a new invite.' } }), polled, {})
    expect(v.detail).toBe('Ask for a new invite.')
  })

  it('says why no peer is reachable when the device there is in another team', () => {
    const message = 'The Outpost device at 192.168.1.20:7481 is in another team than the invite\'s.'
    const v = syncView(team([peer({ online: false })], { key: { keys: 1, primaryId: 'k1', stale: false, otherTeam: true, message } }), polled, {})
    expect(v.detail).toBe(message)
  })
})

describe('track', () => {
  it('keeps the last report of each peer', () => {
    let live = track({}, { peer: 'a', received: 1, expected: 9, done: false }, 1)
    live = track(live, { peer: 'b', received: 5, expected: 5, done: true }, 2)
    live = track(live, { peer: 'a', received: 4, expected: 9, done: false }, 3)
    expect(live).toEqual({
      a: { report: { peer: 'a', received: 4, expected: 9, done: false }, at: 3 },
      b: { report: { peer: 'b', received: 5, expected: 5, done: true }, at: 2 },
    })
  })
})
