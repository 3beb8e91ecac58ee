// What the sync dot says: off, in sync, no peer reachable, or a catch-up with its counts. It reads
// the team status (polled) and the catch-up reports of the "sync:progress" event (live, one a chunk):
// a report that arrived after the status was asked for is the newer word on its peer.
import type { PeerStatus, SyncProgress, TeamStatus } from './api/types'

export type SyncState = 'off' | 'insync' | 'alone' | 'syncing'

export interface SyncView {
  state: SyncState
  /** the words beside the dot */
  label: string
  /** a longer sentence, for the tooltip */
  detail: string
  /** changes received in the catch-up, and expected in all; both 0 when not known */
  received: number
  expected: number
}

/** A catch-up report and when it arrived (ms). */
export interface LiveProgress {
  report: SyncProgress
  at: number
}

/** track returns the reports with this one in place of its peer's last. */
export function track(live: Record<string, LiveProgress>, report: SyncProgress, now: number): Record<string, LiveProgress> {
  return { ...live, [report.peer]: { report, at: now } }
}

interface CatchUp {
  name: string
  received: number
  expected: number
}

// catchUp is the catch-up from one peer, or null when this device lacks nothing of it. Without
// counts yet, what the peer holds beyond this device (from its last reported vector) is expected.
function catchUp(p: PeerStatus, live: LiveProgress | undefined, polledAt: number): CatchUp | null {
  const name = p.name || p.device
  if (live && live.at >= polledAt) {
    const r = live.report
    return r.done ? null : { name, received: r.received, expected: Math.max(r.expected, r.received) }
  }
  const aheadKnown = p.known && p.ahead > 0
  if (!p.pulling && !aheadKnown) return null
  if (p.received > 0 || p.left > 0) return { name, received: p.received, expected: p.received + p.left }
  return { name, received: 0, expected: p.known ? p.ahead : 0 }
}

// unlistedPeer stands for a peer known only from its catch-up reports.
const unlistedPeer = (device: string): PeerStatus => ({
  device, name: 'a peer', addr: '', online: true, lastSeen: '', behind: 0, ahead: 0, pulling: true,
  removed: false, known: false, received: 0, left: 0,
})

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** syncView is what the dot shows for a team status, asked for at polledAt (ms), and the catch-up reports. */
export function syncView(team: TeamStatus | null, polledAt: number, live: Record<string, LiveProgress>): SyncView {
  const none = { received: 0, expected: 0 }
  if (!team?.inTeam) return { state: 'off', label: 'sync off', detail: 'This device is in no team: its data stays here.', ...none }
  if (!team.syncing) return { state: 'off', label: 'sync off', detail: 'Sync is not running on this device.', ...none }
  const peers = team.peers.filter((p) => !p.removed)
  // A report newer than the status says its peer is online, also one the status does not list yet
  // (a new device's first catch-up starts before the next poll names the peer).
  const fresh = (id: string) => (live[id]?.at ?? -Infinity) >= polledAt
  const unlisted = Object.keys(live).filter((id) => fresh(id) && !team.peers.some((p) => p.device === id))
  const online = [...peers.filter((p) => p.online || fresh(p.device)), ...unlisted.map(unlistedPeer)]
  const runs = online.map((p) => catchUp(p, live[p.device], polledAt)).filter((c): c is CatchUp => c !== null)
  if (runs.length) {
    const received = runs.reduce((n, c) => n + c.received, 0)
    const expected = runs.reduce((n, c) => n + c.expected, 0)
    const from = runs.map((c) => c.name).join(', ')
    if (expected === 0) return { state: 'syncing', label: 'syncing…', detail: `Catching up from ${from}.`, ...none }
    return {
      state: 'syncing',
      label: `syncing ${received.toLocaleString('en')} of ${expected.toLocaleString('en')}`,
      detail: `Catching up from ${from}: ${received} of ${expected} changes received.`,
      received,
      expected,
    }
  }
  if (online.length === 0) {
    const detail = team.key?.stale || team.key?.otherTeam
      ? (team.key.message || 'The team key of this device is out of date.')
      : peers.length
        ? `None of the team's ${plural(peers.length, 'other device', 'other devices')} is online; changes wait here until one is.`
        : 'No other device of the team has been seen yet.'
    return { state: 'alone', label: 'no peer reachable', detail, ...none }
  }
  if (online.some((p) => !p.known)) {
    return { state: 'syncing', label: 'syncing…', detail: 'Comparing changes with the peers that came online.', ...none }
  }
  return {
    state: 'insync',
    label: 'in sync',
    detail: `${plural(online.length, 'peer', 'peers')} of ${peers.length} online; this device holds every change they hold.`,
    ...none,
  }
}
