import { describe, expect, it } from 'vitest'
import { hoursSummary } from './technicians'
import { isoDate } from '../dates'
import { addDays, mondayOf, reviewWeek } from './visits'

describe('visit dates', () => {
  it.each([
    ['2026-11-23', 1, '2026-11-24'],
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-03-28', 2, '2026-03-30'], // across the spring DST change
    ['2026-01-01', -1, '2025-12-31'],
  ])('addDays(%s, %i) = %s', (d, n, want) => expect(addDays(d, n)).toBe(want))

  it('reviewWeek is the week just ended early in a week, else the week in progress', () => {
    expect(reviewWeek(new Date(2026, 10, 23, 9))).toBe('2026-11-16') // Monday: last week
    expect(reviewWeek(new Date(2026, 10, 24, 17))).toBe('2026-11-16') // Tuesday
    expect(reviewWeek(new Date(2026, 10, 25, 8))).toBe('2026-11-23') // Wednesday: this week
    expect(reviewWeek(new Date(2026, 10, 27, 16))).toBe('2026-11-23') // Friday afternoon
    expect(reviewWeek(new Date(2026, 10, 29, 12))).toBe('2026-11-23') // Sunday
    expect(reviewWeek(new Date(2027, 0, 4, 9))).toBe('2026-12-28') // a Monday across the year
  })
  it('mondayOf finds the Monday of the week, Sunday included', () => {
    expect(isoDate(mondayOf(new Date(2026, 10, 29)))).toBe('2026-11-23') // Sunday
    expect(isoDate(mondayOf(new Date(2026, 10, 23)))).toBe('2026-11-23') // Monday
  })
})

describe('hoursSummary', () => {
  it.each([
    [[1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), 'Mon-Fri 09:00-17:00'],
    [[{ day: 6, start: '22:00', end: '06:00' }, { day: 0, start: '22:00', end: '06:00' }], 'Sat, Sun 22:00-06:00'],
    [[], 'no working hours'],
  ])('%j -> %s', (shifts, want) => expect(hoursSummary({ zone: 'UTC', shifts })).toBe(want))
})
