import { describe, expect, it } from 'vitest'
import type { RolesView } from './api/roles'
import { byRank, holders, hlcTime, may, needs, rejected, singleOwner } from './rights'

const at = (iso: string) => Date.parse(iso) * 65536 + 3

function view(over: Partial<RolesView> = {}): RolesView {
  return {
    open: false,
    table: [
      { right: 'sla.manage', what: 'Change the SLA policy, business hours and holidays', roles: ['owner', 'lead'] },
      { right: 'roles.manage', what: 'Grant and revoke roles, and change this table', roles: ['owner'] },
    ],
    members: [
      { device: 'd-ana', name: 'ana', this: true, roles: ['technician', 'owner'] },
      { device: 'd-ben', name: 'ben', this: false, roles: ['technician'] },
    ],
    owners: ['d-ana'],
    mine: ['technician'],
    rights: ['tickets.work'],
    rejected: [],
    refused: [],
    changes: [],
    ...over,
  }
}

describe('may', () => {
  it('follows the rights the backend says this device holds', () => {
    expect(may(view(), 'sla.manage')).toBe(false)
    expect(may(view({ rights: ['sla.manage'] }), 'sla.manage')).toBe(true)
  })
  it('holds nothing back in a team made before roles, or before the view loaded', () => {
    expect(may(view({ open: true }), 'sla.manage')).toBe(true)
    expect(may(null, 'roles.manage')).toBe(true)
  })
})

describe('needs', () => {
  it('names the roles of the table, owners first, and who grants them', () => {
    expect(holders(view(), 'sla.manage')).toEqual(['owner', 'lead'])
    expect(needs(view(), 'sla.manage')).toBe('Needs the role owner or lead: an owner can grant it under Team → Roles')
    expect(needs(view(), 'roles.manage')).toBe('Needs the role owner: an owner can grant it under Team → Roles')
    const three = view({ table: [{ right: 'sla.manage', what: '', roles: ['lead', 'coordinator', 'owner'] }] })
    expect(needs(three, 'sla.manage')).toMatch(/^Needs the role owner, lead or coordinator:/)
    expect(needs(view(), 'sla.manage', 'Changing the SLA policy')).toBe(
      'Changing the SLA policy needs the role owner or lead: an owner can grant it under Team → Roles',
    )
  })
  it('lists a device’s roles most rights first', () => {
    expect(byRank(['technician', 'lead', 'owner'])).toEqual(['owner', 'lead', 'technician'])
  })
})

describe('singleOwner', () => {
  it('warns only where roles are enforced and one device owns the team', () => {
    expect(singleOwner(view())).toBe(true)
    expect(singleOwner(view({ owners: ['d-ana', 'd-ben'] }))).toBe(false)
    expect(singleOwner(view({ open: true, owners: [] }))).toBe(false)
  })
})

describe('rejected', () => {
  it('says who tried what, newest first, by device name', () => {
    const v = view({
      rejected: [{ device: 'd-ben', person: 'Ben', role: 'lead', grant: true, seen: 0, at: at('2026-03-02T10:00:00Z'), by: 'd-ben', seq: 4 }],
      refused: [{ right: 'sla.manage', roles: ['technician'], at: at('2026-03-03T09:00:00Z'), by: 'd-ben', seq: 5 }],
    })
    const names: Record<string, string> = { 'd-ana': 'ana', 'd-ben': 'ben' }
    const got = rejected(v, (d) => names[d] ?? d)
    expect(got.map((r) => [r.by, r.what])).toEqual([
      ['ben', 'set “Change the SLA policy, business hours and holidays” to technician'],
      ['ben', 'gave ben the role lead'],
    ])
    expect(got[1].at.toISOString()).toBe('2026-03-02T10:00:00.000Z')
  })
  it('reads a stamp as its wall-clock milliseconds', () => {
    expect(hlcTime(at('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z')
  })
})
