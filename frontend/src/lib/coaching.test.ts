import { describe, expect, it } from 'vitest'
import { coachees, dueLabel, looksLikeNumber, splitRefs } from './coaching'
import type { Person } from './api/identity'

const person = (id: string, name: string, technicianId: string, recipient = 'age1x'): Person => ({
  id,
  name,
  role: 'technician',
  technicianId,
  recipient,
})

describe('coachees', () => {
  it('merges the directory, people and subjects by technician ID', () => {
    const got = coachees(
      [{ id: 't1', name: 'Bo Berg' }, { id: 't2', name: 'Cy Chen' }],
      [person('p1', 'Bo', 't1'), person('p9', 'Lead', '')],
      [{ technicianId: 't1', items: 3, openActions: 2, overdue: 1 }, { technicianId: 't3', items: 1, openActions: 0, overdue: 0 }],
    )
    expect(got.map((c) => [c.id, c.name, c.hasKey, c.openActions])).toEqual([
      ['t1', 'Bo Berg', true, 2],
      ['t2', 'Cy Chen', false, 0],
      ['t3', 't3', false, 0],
    ])
  })
  it('names a technician by their person when there is no directory', () => {
    expect(coachees([], [person('p1', 'Bo', 't1', '')], [])).toEqual([
      { id: 't1', name: 'Bo', hasKey: false, openActions: 0, overdue: 0, items: 0 },
    ])
  })
})

describe('splitRefs', () => {
  const cases: [string, string, string[]][] = [
    ['empty', '  ', []],
    ['commas and spaces', 'ABCD-1, ABCD-2 ABCD-1', ['ABCD-1', 'ABCD-2']],
    ['hash prefix', '#ABCD-7;xyz', ['ABCD-7', 'xyz']],
  ]
  for (const [name, input, want] of cases) it(name, () => expect(splitRefs(input)).toEqual(want))
  it('tells numbers from IDs', () => {
    expect(looksLikeNumber('ABCD-12')).toBe(true)
    expect(looksLikeNumber('abcdefghijklmnopqrstuvwxyz')).toBe(false)
  })
})

describe('dueLabel', () => {
  const today = '2026-03-10'
  const cases: [string | undefined, string][] = [
    [undefined, 'no due date'],
    ['2026-03-10', 'due today'],
    ['2026-03-11', 'due tomorrow'],
    ['2026-03-15', 'due in 5 days'],
    ['2026-03-09', '1 day overdue'],
    ['2026-03-01', '9 days overdue'],
    ['soon', 'soon'],
  ]
  for (const [due, want] of cases) it(`${due}`, () => expect(dueLabel(due, today)).toBe(want))
})
