// Who uses this device (backend/person through IdentityService): the person record, set-up, and the
// passphrase-protected identity export/import that lets a lead read their notes on a second device.
import { call } from './transport'

export type Role = 'technician' | 'lead' | 'coordinator'
export const ROLES: Role[] = ['technician', 'lead', 'coordinator']

export interface Person {
  id: string
  name: string
  role: Role
  technicianId: string
  /** the public age key items are sealed to */
  recipient: string
}

export interface Me extends Partial<Person> {
  /** false until a person is set up or imported on this device */
  set: boolean
  /** imported, and the person's record has not arrived by sync yet */
  pending: boolean
}

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
