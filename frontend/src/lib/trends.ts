// From a recurring-issue trend to a problem record: what ProblemService.OpenFromTrend is asked for,
// and whether an unfinished problem already covers the trend (so a lead opens it instead of a duplicate).
import type { Problem } from './api/lead'
import type { Trend } from './api/reports'

/** trendArgs is the category and term a trend opens a problem with: a category trend names no term. */
export function trendArgs(t: Pick<Trend, 'kind' | 'name'>): { category: string; term: string } {
  return t.kind === 'category' ? { category: t.name, term: '' } : { category: '', term: t.name }
}

const UNFINISHED = new Set(['open', 'investigating', 'known_error'])

/** trendProblem finds an unfinished problem opened from the same trend (category and term alike, any case). */
export function trendProblem(t: Pick<Trend, 'kind' | 'name'>, problems: Problem[]): Problem | undefined {
  const { category, term } = trendArgs(t)
  const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()
  return problems.find((p) => p.origin === 'trend' && UNFINISHED.has(p.status) && same(p.category, category) && same(p.term, term))
}

/** problemRoute is the hash route that opens a new problem with these tickets already chosen. */
export function newProblemRoute(ticketIds: string[]): string[] {
  return ticketIds.length ? ['lead', 'problems', 'new', ticketIds.join(',')] : ['lead', 'problems', 'new']
}
