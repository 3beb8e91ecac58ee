import { describe, expect, it } from 'vitest'
import type { Problem } from './api/lead'
import { href } from './router'
import { newProblemRoute, trendArgs, trendProblem } from './trends'

function problem(p: Partial<Problem>): Problem {
  return {
    id: 'p1', title: 'VPN', description: '', category: '', term: '', origin: 'trend', lens: 'unknown', owner: '',
    status: 'open', workaround: '', fix: '', fixedAt: null, incidents: [], sop: '', training: null,
    changeRequest: null, notes: [], created: '', createdBy: '', updated: '', conflicts: [], ...p,
  }
}

describe('trends to problems', () => {
  it('asks for a category trend by category and a term trend by term', () => {
    expect(trendArgs({ kind: 'category', name: 'vpn' })).toEqual({ category: 'vpn', term: '' })
    expect(trendArgs({ kind: 'term', name: 'rekey' })).toEqual({ category: '', term: 'rekey' })
  })

  const cases: [string, Partial<Problem>, boolean][] = [
    ['same category, open', { category: 'VPN' }, true],
    ['same category, known error', { category: 'vpn', status: 'known_error' }, true],
    ['same category, resolved', { category: 'vpn', status: 'resolved' }, false],
    ['same category but opened from tickets', { category: 'vpn', origin: 'tickets' }, false],
    ['same category with a term', { category: 'vpn', term: 'rekey' }, false],
    ['another category', { category: 'printers' }, false],
  ]
  for (const [name, p, want] of cases)
    it(name, () => expect(!!trendProblem({ kind: 'category', name: 'vpn' }, [problem(p)])).toBe(want))

  it('routes to a new problem with the chosen tickets', () => {
    expect(href(...(newProblemRoute(['a', 'b']) as [string, ...string[]]))).toBe('#/lead/problems/new/a%2Cb')
    expect(newProblemRoute([])).toEqual(['lead', 'problems', 'new'])
  })
})
