// Coaching (backend/coaching through CoachingService): one-on-one notes, goals and action items per
// technician. Every item the backend returns was opened with this device's person key; items sealed to
// other people never reach the UI.
import { call } from './transport'
import type * as coachingGo from './gen/coaching'
import type { Narrow } from './types'

export type ItemType = 'note' | 'goal' | 'action'

/** What is sealed: nothing of it is readable on a device that is not a reader. Notes carry a meeting
 * date (YYYY-MM-DD, today when empty), goals a measurable target, actions a due date. */
export interface Content extends Narrow<coachingGo.Content, { type?: ItemType }> {}

export interface Version extends Narrow<coachingGo.Version, { content: Content }> {}

export interface Item extends Narrow<coachingGo.Item, { type: ItemType; conflicts: Version[] }> {}

export interface View extends Narrow<coachingGo.View, { notes: Item[]; goals: Item[]; actions: Item[] }> {}

export type Subject = coachingGo.Subject

/** A file of a coaching item, sealed like it: only its readers see its name. blob names its ciphertext. */
export type SealedFile = coachingGo.File

const S = 'CoachingService'
export const coaching = {
  notes: (techId: string) => call<View>(S, 'Notes', techId),
  sharedWithMe: () => call<View>(S, 'SharedWithMe'),
  subjects: () => call<Subject[] | null>(S, 'Subjects').then((s) => s ?? []),
  get: (id: string) => call<Item>(S, 'Get', id),
  add: (type: ItemType, techId: string, c: Content, share: boolean) =>
    call<Item>(S, type === 'note' ? 'AddNote' : type === 'goal' ? 'AddGoal' : 'AddAction', techId, c, share),
  update: (id: string, c: Content) => call<Item>(S, 'Update', id, c),
  setActionDone: (id: string, done: boolean) => call<Item>(S, 'SetActionDone', id, done),
  share: (id: string, shared: boolean) => call<Item>(S, 'Share', id, shared),
  remove: (id: string) => call<void>(S, 'Delete', id),
  /** removeFile takes a file off an item: it leaves the sealed content and its ciphertext is freed. */
  removeFile: (id: string, blob: string) => call<Item>(S, 'RemoveFile', id, blob),
  /** saveFile asks where to save a file of an item and writes it there, decrypted. Window only. */
  saveFile: (id: string, blob: string) => call<void>(S, 'SaveFile', id, blob),
}
