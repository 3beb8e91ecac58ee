// Who tickets can be assigned to. With the technician directory (TechnicianService.List) the picker
// offers technicians by name and stores their id; without it, the assignee is free text and the
// picker suggests the names already in use on open tickets.
import { ApiError, call, tickets } from './api'

export interface Person {
  id: string
  name: string
  tier?: number
  openLoad?: number
}

export class People {
  constructor(readonly list: Person[] = [], readonly directory = false) {}

  /** name shows an assignee value: a technician's name when known, else the value itself. */
  name(id: string): string {
    if (!id) return ''
    return this.list.find((p) => p.id === id)?.name ?? id
  }

  /** resolve turns what a person typed (a name or an id) into the assignee value to store. */
  resolve(typed: string): string {
    const t = typed.trim()
    if (!t) return ''
    const lower = t.toLowerCase()
    return (this.list.find((p) => p.id === t) ?? this.list.find((p) => p.name.toLowerCase() === lower))?.id ?? t
  }
}

export async function loadPeople(me: string): Promise<People> {
  try {
    const techs = await call<Person[] | null>('TechnicianService', 'List', false)
    return new People(
      (techs ?? []).map((t) => ({ id: t.id, name: t.name, tier: t.tier, openLoad: t.openLoad })),
      true,
    )
  } catch (e) {
    if (!(e instanceof ApiError) || !e.missingMethod) throw e
  }
  const f = await tickets.facets()
  const names = new Set([me, ...f.assignees.map((a) => a.value)].filter(Boolean))
  return new People([...names].map((n) => ({ id: n, name: n })), false)
}
