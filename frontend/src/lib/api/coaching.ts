// Coaching (backend/coaching through CoachingService): one-on-one notes, goals and action items per
// technician. Every item the backend returns was opened with this device's person key; items sealed to
// other people never reach the UI.
import { call } from './transport'

export type ItemType = 'note' | 'goal' | 'action'

/** What is sealed: nothing of it is readable on a device that is not a reader. */
export interface Content {
  type?: ItemType
  title: string
  body: string
  /** notes: meeting date, YYYY-MM-DD (today when empty) */
  date?: string
  /** goals: the measurable target */
  target?: string
  /** actions: due date, YYYY-MM-DD */
  due?: string
  done?: boolean
  /** ticket IDs given as examples */
  tickets?: string[]
}

export interface Version {
  write: string
  by: string
  at: string
  content: Content
}

export interface Item extends Content {
  id: string
  type: ItemType
  technicianId: string
  authorId: string
  shared: boolean
  mine: boolean
  overdue: boolean
  created: string
  createdBy: string
  updated: string
  updatedBy: string
  conflicts: Version[]
}

export interface View {
  technicianId: string
  notes: Item[]
  goals: Item[]
  actions: Item[]
  unreadable: number
}

export interface Subject {
  technicianId: string
  items: number
  openActions: number
  overdue: number
}

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
}
