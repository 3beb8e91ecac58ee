import { describe, expect, it } from 'vitest'
import { formatAge } from './age'

describe('formatAge', () => {
  const now = Date.UTC(2025, 0, 31, 12)
  const cases: [string, number, string][] = [
    ['future clamps to zero', now + 5000, '0s'],
    ['seconds', now - 45_000, '45s'],
    ['minutes', now - 12 * 60_000, '12m'],
    ['hours', now - 3 * 3_600_000, '3h'],
    ['up to 47 hours', now - 47 * 3_600_000, '47h'],
    ['days', now - 5 * 86_400_000, '5d'],
    ['weeks', now - 21 * 86_400_000, '3w'],
  ]
  for (const [name, from, want] of cases) it(name, () => expect(formatAge(from, now)).toBe(want))
})
