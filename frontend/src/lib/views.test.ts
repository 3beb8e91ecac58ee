import { describe, expect, it } from 'vitest'
import { activeCount, BUILT_IN, checkName, emptyFilter, fromStored, sameFilter, toQueueFilter } from './views'

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

describe('saved views', () => {
  it('refuses a blank name or a built-in name, and trims', () => {
    expect(() => checkName('  ')).toThrow(/name/)
    expect(() => checkName('unassigned')).toThrow(/built-in/)
    expect(checkName('  Network P1 ')).toBe('Network P1')
  })
  it('reads a stored view, filling what an older filter lacks', () => {
    const v = fromStored({ id: 'v-1', owner: 'ana', name: 'Old', filter: { tag: 'x', priorities: [1] } })
    expect(v).toEqual({ id: 'v-1', name: 'Old', filter: { ...emptyFilter(), tag: 'x', priorities: [1] } })
  })
})
