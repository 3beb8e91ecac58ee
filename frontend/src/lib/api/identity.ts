// Who uses this device (backend/person through IdentityService): the person record, set-up, and the
// passphrase-protected identity export/import that lets a lead read their notes on a second device.
import { call } from './transport'
import type * as person from './gen/person'
import type { Narrow } from './types'

export type Role = 'technician' | 'lead' | 'coordinator'
export const ROLES: Role[] = ['technician', 'lead', 'coordinator']

/** A person; recipient is the public age key items are sealed to. */
export interface Person extends Narrow<person.Person, { role: Role }> {}

/** Who uses this device: set is false until a person is set up or imported here, pending while
 * an imported person's record has not arrived by sync yet. */
export interface Me extends Narrow<person.Me, { role: Role | '' }> {}

/** canCoach: leads and coordinators write coaching items; technicians read what is shared with them. */
export function canCoach(me: Me | null | undefined): boolean {
  return !!me?.set && (me.role === 'lead' || me.role === 'coordinator')
}

const S = 'IdentityService'
export const identity = {
  me: () => call<Me>(S, 'Me'),
  setUp: (name: string, role: Role, technicianId: string) => call<Person>(S, 'SetUp', name, role, technicianId),
  exportIdentity: (passphrase: string) => call<string>(S, 'Export', passphrase),
  importIdentity: (text: string, passphrase: string) => call<Me>(S, 'Import', text, passphrase),
  people: () => call<Person[] | null>(S, 'People').then((p) => p ?? []),
}
