// What this device may do, from RoleService.View: screens and buttons ask `may` before offering an
// action, and `needs` is the tooltip of one they disable. Until the view has loaded nothing is held
// back: the backend refuses what the device's roles do not allow, whatever the UI offers.
import type { Right, Role, RolesView, RoleEvent, PolicyEvent } from './api/roles'

export function may(v: RolesView | null | undefined, right: Right): boolean {
  return !v || v.open || v.rights.includes(right)
}

/** holders lists the roles that hold right, owners first (owners hold every right). */
export function holders(v: RolesView | null | undefined, right: Right): Role[] {
  const row = v?.table.find((r) => r.right === right)
  const out: Role[] = ['owner']
  for (const r of row?.roles ?? []) if (!out.includes(r)) out.push(r)
  return out
}

/** needs is the sentence of a disabled action (what, e.g. "Changing the categories"): the roles it
 * takes and who grants them. */
export function needs(v: RolesView | null | undefined, right: Right, what = ''): string {
  const who = holders(v, right)
  const list = who.length > 1 ? `${who.slice(0, -1).join(', ')} or ${who[who.length - 1]}` : who[0]
  return `${what ? `${what} needs` : 'Needs'} the role ${list}: an owner can grant it under Team → Roles`
}

/** byRank orders roles most rights first, as the table lists them. */
export function byRank(rs: Role[]): Role[] {
  const rank: Role[] = ['owner', 'lead', 'coordinator', 'technician']
  return [...rs].sort((a, b) => rank.indexOf(a) - rank.indexOf(b))
}

/** singleOwner: roles are enforced and exactly one device can change them. */
export function singleOwner(v: RolesView | null | undefined): boolean {
  return !!v && !v.open && v.owners.length === 1
}

/** hlcTime is the wall-clock time of a change's stamp (milliseconds in the upper 48 bits). */
export function hlcTime(at: number): Date {
  return new Date(Math.floor(at / 65536))
}

export interface Rejected {
  key: string
  by: string
  at: Date
  what: string
}

/** rejected lists the grants and table changes written without the right to, newest first, in words. */
export function rejected(v: RolesView, name: (device: string) => string): Rejected[] {
  const what = (r: Right) => v.table.find((row) => row.right === r)?.what ?? r
  const grants = v.rejected.map((e: RoleEvent) => ({
    key: `g/${e.by}/${e.seq}`,
    by: name(e.by),
    at: hlcTime(e.at),
    what: e.grant ? `gave ${name(e.device)} the role ${e.role}` : `took the role ${e.role} from ${name(e.device)}`,
  }))
  const table = v.refused.map((p: PolicyEvent) => ({
    key: `p/${p.by}/${p.seq}`,
    by: name(p.by),
    at: hlcTime(p.at),
    what: `set “${what(p.right)}” to ${p.roles.length ? p.roles.join(', ') : 'owners only'}`,
  }))
  return [...grants, ...table].sort((a, b) => b.at.getTime() - a.at.getTime())
}
