import { describe, expect, it } from 'vitest'
import { activeCount, BUILT_IN, emptyFilter, SavedViews, sameFilter, toQueueFilter } from './views'

function memory() {
  const m = new Map<string, string>()
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m }
}

describe('toQueueFilter', () => {
  const cases: { name: string; patch: Partial<ReturnType<typeof emptyFilter>>; want: object }[] = [
    { name: 'empty is all open by priority', patch: {}, want: { sort: 'priority' } },
    { name: 'mine uses my name', patch: { scope: 'mine' }, want: { sort: 'priority', assignee: 'ana' } },
    { name: 'unassigned', patch: { scope: 'unassigned', assignee: 'ben' }, want: { sort: 'priority', unassigned: true } },
    { name: 'a technician', patch: { assignee: ' ben ' }, want: { sort: 'priority', assignee: 'ben' } },
    { name: 'text is trimmed', patch: { text: '  vpn ' }, want: { sort: 'priority', text: 'vpn' } },
    { name: 'blank text is no filter', patch: { text: '   ' }, want: { sort: 'priority' } },
    {
      name: 'statuses, priorities, category, tag, closed',
      patch: { statuses: ['resolved'], priorities: [2, 1], category: 'network', tag: 'VPN', includeClosed: true, sort: 'age' },
      want: { sort: 'age', statuses: ['resolved'], priorities: [1, 2], category: 'network', tag: 'vpn', includeClosed: true },
    },
  ]
  for (const c of cases) it(c.name, () => expect(toQueueFilter({ ...emptyFilter(), ...c.patch }, 'ana')).toEqual(c.want))
})

describe('sameFilter and activeCount', () => {
  it('ignores the order of chosen priorities', () => {
    expect(sameFilter({ ...emptyFilter(), priorities: [2, 1] }, { ...emptyFilter(), priorities: [1, 2] })).toBe(true)
    expect(sameFilter({ ...emptyFilter(), priorities: [1] }, emptyFilter())).toBe(false)
  })
  it('counts constraints', () => {
    expect(activeCount(emptyFilter())).toBe(0)
    expect(activeCount({ ...emptyFilter(), scope: 'mine', tag: 'vpn', text: 'x' })).toBe(2)
  })
  it('has distinct built-in views', () => {
    for (let i = 0; i < BUILT_IN.length; i++)
      for (let j = i + 1; j < BUILT_IN.length; j++) expect(sameFilter(BUILT_IN[i].filter, BUILT_IN[j].filter)).toBe(false)
  })
})

describe('SavedViews', () => {
  it('saves, replaces by name, lists after the built-in views, and removes', () => {
    const s = memory()
    let n = 0
    const views = new SavedViews(s, () => `v${++n}`)
    const a = views.save('Network P1', { ...emptyFilter(), category: 'network', priorities: [1] })
    expect(a.id).toBe('v1')
    views.save('network p1', { ...emptyFilter(), category: 'network' })
    expect(views.own()).toHaveLength(1)
    expect(views.own()[0].filter.priorities).toEqual([])
    expect(views.all().slice(0, BUILT_IN.length)).toEqual(BUILT_IN)
    views.remove('v1')
    expect(views.own()).toEqual([])
  })
  it('refuses a blank name or a built-in name', () => {
    const views = new SavedViews(memory())
    expect(() => views.save('  ', emptyFilter())).toThrow(/name/)
    expect(() => views.save('Unassigned', emptyFilter())).toThrow(/built-in/)
  })
  it('survives damaged storage', () => {
    const s = memory()
    s.setItem('outpost.queue.views', '{not json')
    expect(new SavedViews(s).own()).toEqual([])
    s.setItem('outpost.queue.views', JSON.stringify([{ id: 1, name: 'Old', filter: { tag: 'x' } }, 7, null]))
    const own = new SavedViews(s).own()
    expect(own).toHaveLength(1)
    expect(own[0].filter).toEqual({ ...emptyFilter(), tag: 'x' })
  })
})
