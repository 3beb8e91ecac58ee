// Queue views: what the filter bar holds, how it becomes a backend queue filter, the built-in views
// every help desk expects, and the views a person saves (kept in the replica: they follow the person).
import type { QueueFilter, SortKey, Status } from './api/types'
import type { StoredView } from './api'

export type Scope = 'all' | 'mine' | 'unassigned'

export interface ViewFilter {
  text: string
  scope: Scope
  statuses: Status[]
  priorities: number[]
  category: string
  /** a technician (assignee) other than me */
  assignee: string
  tag: string
  includeClosed: boolean
  sort: SortKey
}

export interface SavedView {
  id: string
  name: string
  filter: ViewFilter
  builtIn?: boolean
}

export function emptyFilter(): ViewFilter {
  return {
    text: '',
    scope: 'all',
    statuses: [],
    priorities: [],
    category: '',
    assignee: '',
    tag: '',
    includeClosed: false,
    sort: 'priority',
  }
}

/** toQueueFilter turns the filter bar into the backend's filter; me is this user's assignee name. */
export function toQueueFilter(v: ViewFilter, me: string): QueueFilter {
  const f: QueueFilter = { sort: v.sort }
  const text = v.text.trim()
  if (text) f.text = text
  if (v.scope === 'mine') f.assignee = me
  else if (v.scope === 'unassigned') f.unassigned = true
  else if (v.assignee.trim()) f.assignee = v.assignee.trim()
  if (v.statuses.length) f.statuses = [...v.statuses]
  if (v.priorities.length) f.priorities = [...v.priorities].sort()
  if (v.category.trim()) f.category = v.category.trim()
  if (v.tag.trim()) f.tag = v.tag.trim().toLowerCase()
  if (v.includeClosed) f.includeClosed = true
  return f
}

/** sameFilter compares two filters by what they select (order of chosen statuses or priorities aside). */
export function sameFilter(a: ViewFilter, b: ViewFilter): boolean {
  return JSON.stringify(toQueueFilter(a, '')) === JSON.stringify(toQueueFilter(b, ''))
}

/** activeCount is how many constraints the filter bar holds besides the text and sort, for a badge. */
export function activeCount(v: ViewFilter): number {
  return (
    (v.scope !== 'all' ? 1 : 0) +
    (v.statuses.length ? 1 : 0) +
    (v.priorities.length ? 1 : 0) +
    (v.category ? 1 : 0) +
    (v.assignee && v.scope === 'all' ? 1 : 0) +
    (v.tag ? 1 : 0) +
    (v.includeClosed ? 1 : 0)
  )
}

export const BUILT_IN: SavedView[] = [
  { id: 'open', name: 'All open', filter: emptyFilter(), builtIn: true },
  { id: 'mine', name: 'Assigned to me', filter: { ...emptyFilter(), scope: 'mine' }, builtIn: true },
  { id: 'unassigned', name: 'Unassigned', filter: { ...emptyFilter(), scope: 'unassigned' }, builtIn: true },
  { id: 'urgent', name: 'P1 and P2', filter: { ...emptyFilter(), priorities: [1, 2] }, builtIn: true },
  {
    id: 'waiting',
    name: 'Waiting',
    filter: { ...emptyFilter(), statuses: ['waiting_requester', 'waiting_third_party'] },
    builtIn: true,
  },
  {
    id: 'recent',
    name: 'Recently resolved',
    filter: { ...emptyFilter(), statuses: ['resolved'], sort: 'updated' },
    builtIn: true,
  },
]

/** The local-storage key earlier versions kept saved views under, on one device only. */
const OLD_KEY = 'outpost.queue.views'

type KV = Pick<Storage, 'getItem' | 'removeItem'>

/** The backend's view service (lib/api `views`). */
export interface ViewStore {
  list(): Promise<StoredView[]>
  save(name: string, filter: object): Promise<StoredView>
  remove(id: string): Promise<void>
}

/** fromStored reads a stored view; a filter from another version gets the fields it lacks. */
export function fromStored(v: StoredView): SavedView {
  return { id: v.id, name: v.name, filter: { ...emptyFilter(), ...(v.filter as Partial<ViewFilter>) } }
}

/** checkName refuses a blank name or a built-in view's; it returns the trimmed name. */
export function checkName(name: string): string {
  const n = name.trim()
  if (!n) throw new Error('a view needs a name')
  if (BUILT_IN.some((v) => v.name.toLowerCase() === n.toLowerCase())) throw new Error(`"${n}" is a built-in view`)
  return n
}

/** SavedViews lists a person's views after the built-in ones, and saves and removes them. */
export class SavedViews {
  constructor(
    private readonly store: ViewStore,
    private readonly local?: KV,
  ) {}

  async all(): Promise<SavedView[]> {
    return [...BUILT_IN, ...(await this.store.list()).map(fromStored)]
  }

  /** save stores filter under name (replacing the person's view of that name) and returns the view. */
  async save(name: string, filter: ViewFilter): Promise<SavedView> {
    return fromStored(await this.store.save(checkName(name), { ...filter, text: filter.text.trim() }))
  }

  remove(id: string): Promise<void> {
    return this.store.remove(id)
  }

  /** moveLocal saves the views an earlier version kept in this window's storage into the replica, once. */
  async moveLocal(): Promise<void> {
    const raw = this.local?.getItem(OLD_KEY)
    if (!raw) return
    let old: unknown
    try {
      old = JSON.parse(raw)
    } catch {
      old = []
    }
    for (const v of Array.isArray(old) ? old : []) {
      if (!v || typeof v !== 'object' || typeof v.name !== 'string' || !v.filter) continue
      try {
        await this.store.save(checkName(v.name), { ...emptyFilter(), ...v.filter })
      } catch {
        // a built-in name or a bad filter: nothing to keep
      }
    }
    this.local?.removeItem(OLD_KEY)
  }
}
