// Who may do what in the team (backend/permission and backend/roles through RoleService): the
// permissions table, the team's devices with their roles, and what this device may do now. A grant
// or a table change is a change like any other: an owner's device writes it, every replica checks it.
import { call } from './transport'
import type * as app from './gen/app'
import type * as permission from './gen/permission'
import type { Narrow } from './types'

export type Role = 'owner' | 'lead' | 'coordinator' | 'technician'
/** ROLES: most rights first. */
export const ROLES: Role[] = ['owner', 'lead', 'coordinator', 'technician']
/** GRANTABLE: the roles an owner gives or takes; every device of the team is a technician. */
export const GRANTABLE: Role[] = ['owner', 'lead', 'coordinator']

export type Right =
  | 'tickets.work'
  | 'sla.manage'
  | 'technicians.manage'
  | 'devices.manage'
  | 'records.delete'
  | 'escalation.manage'
  | 'mail.manage'
  | 'reports.read'
  | 'coaching.write'
  | 'roles.manage'

export interface Row extends Narrow<permission.Row, { right: Right; roles: Role[] }> {}
export interface Member extends Narrow<app.RoleMember, { roles: Role[] }> {}
/** A grant or revocation; in `rejected`, one written by a device that was not an owner. */
export interface RoleEvent extends Narrow<permission.Event, { role: Role }> {}
export interface PolicyEvent extends Narrow<permission.PolicyEvent, { right: Right; roles: Role[] }> {}

/** open: a team made before roles, where nothing is restricted. rights: what this device may do now. */
export interface RolesView
  extends Narrow<app.RolesView, { table: Row[]; members: Member[]; mine: Role[]; rights: Right[]; rejected: RoleEvent[]; refused: PolicyEvent[] }> {}

const S = 'RoleService'
export const roles = {
  view: () => call<RolesView>(S, 'View'),
  grant: (device: string, role: Role) => call<void>(S, 'Grant', device, role),
  revoke: (device: string, role: Role) => call<void>(S, 'Revoke', device, role),
  /** setTable sets the roles that hold a right (owners hold every right whatever it says). */
  setTable: (right: Right, holders: Role[]) => call<void>(S, 'SetTable', right, holders),
}
