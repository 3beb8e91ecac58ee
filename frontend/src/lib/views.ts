// Queue views: what the filter bar holds, how it becomes a backend queue filter, the built-in views
// every help desk expects, and the views a person saves (kept in local storage on this device).
import type { QueueFilter, SortKey, Status } from './api/types'

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

const KEY = 'outpost.queue.views'

type KV = Pick<Storage, 'getItem' | 'setItem'>

/** SavedViews keeps a person's own views in storage, after the built-in ones. */
export class SavedViews {
  constructor(
    private readonly storage: KV,
    private readonly newId: () => string = () => Math.random().toString(36).slice(2, 10),
  ) {}

  own(): SavedView[] {
    try {
      const raw = JSON.parse(this.storage.getItem(KEY) ?? '[]') as unknown
      if (!Array.isArray(raw)) return []
      return raw
        .filter((v): v is SavedView => !!v && typeof v === 'object' && typeof v.name === 'string' && !!v.filter)
        .map((v) => ({ id: String(v.id), name: v.name, filter: { ...emptyFilter(), ...v.filter } }))
    } catch {
      return []
    }
  }

  all(): SavedView[] {
    return [...BUILT_IN, ...this.own()]
  }

  /** save stores filter under name (replacing a view of the same name) and returns the view. */
  save(name: string, filter: ViewFilter): SavedView {
    const n = name.trim()
    if (!n) throw new Error('a view needs a name')
    if (BUILT_IN.some((v) => v.name.toLowerCase() === n.toLowerCase())) throw new Error(`"${n}" is a built-in view`)
    const views = this.own()
    const existing = views.find((v) => v.name.toLowerCase() === n.toLowerCase())
    const view: SavedView = { id: existing?.id ?? this.newId(), name: n, filter: { ...filter, text: filter.text.trim() } }
    const next = existing ? views.map((v) => (v.id === view.id ? view : v)) : [...views, view]
    this.storage.setItem(KEY, JSON.stringify(next))
    return view
  }

  remove(id: string) {
    this.storage.setItem(KEY, JSON.stringify(this.own().filter((v) => v.id !== id)))
  }
}
