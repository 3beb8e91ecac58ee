import { describe, expect, it } from 'vitest'
import { fileStamp, formatAge, formatDay, formatExact, formatTime, formatWhen, isoDate, zonedParts } from './dates'

// Local times throughout: the formatter reads the reader's zone.
const now = new Date(2025, 2, 12, 15, 30) // Wednesday 12 March 2025, 15:30
const at = (mo: number, d: number, h = 0, mi = 0, y = 2025) => new Date(y, mo - 1, d, h, mi).toISOString()

describe('formatWhen', () => {
  const cases: [string, string, string][] = [
    ['now', at(3, 12, 15, 30), 'now'],
    ['minutes ago', at(3, 12, 15, 25), '5 min ago'],
    ['in minutes', at(3, 12, 15, 50), 'in 20 min'],
    ['earlier today', at(3, 12, 9, 5), 'today 09:05'],
    ['yesterday', at(3, 11, 14, 5), 'yesterday 14:05'],
    ['tomorrow', at(3, 13, 9, 0), 'tomorrow 09:00'],
    ['this week', at(3, 9, 8, 0), 'Sun 08:00'],
    ['this year', at(1, 3, 14, 5), '3 Jan, 14:05'],
    ['an earlier year', at(12, 30, 14, 5, 2024), '30 Dec 2024'],
  ]
  for (const [name, iso, want] of cases) it(name, () => expect(formatWhen(iso, { now, locale: 'en-GB' })).toBe(want))
  it('follows the locale', () => {
    expect(formatWhen(at(3, 11, 14, 5), { now, locale: 'de-DE' })).toBe('gestern 14:05')
    expect(formatWhen(at(3, 11, 14, 5), { now, locale: 'en-US' })).toBe('yesterday 2:05 PM')
  })
  it('writes nothing for no date', () => expect(formatWhen('', { now })).toBe(''))
})

describe('formatDay', () => {
  const o = { now, locale: 'en-GB' }
  it('names the days around today', () => {
    expect(formatDay('2025-03-12', o)).toBe('today')
    expect(formatDay(at(3, 11, 23, 59), o)).toBe('yesterday')
    expect(formatDay('2025-03-13', o)).toBe('tomorrow')
  })
  it('writes other days absolute, with the year when it is not this one', () => {
    expect(formatDay('2025-03-03', o)).toBe('3 Mar')
    expect(formatDay('2024-03-03', o)).toBe('3 Mar 2024')
    expect(formatDay('2025-03-10', { ...o, weekday: 'short', year: true })).toBe('Mon, 10 Mar 2025')
    expect(formatDay('2025-03-12', { ...o, weekday: 'short', relative: false })).toBe('Wed 12 Mar')
  })
  it('reads the day in a zone', () => {
    expect(formatDay('2025-03-12T23:30:00Z', { ...o, weekday: 'long', zone: 'Asia/Tokyo' })).toBe('Thursday 13 March')
  })
})

describe('times', () => {
  it('shows an instant in a technician zone', () => {
    expect(formatTime('2026-11-24T08:00:00Z', 'Europe/Berlin', 'en-GB')).toBe('09:00')
    expect(formatTime('2026-07-07T12:00:00Z', 'Europe/Berlin', 'en-GB')).toBe('14:00')
    expect(formatTime('2026-11-24T14:00:00Z', 'America/New_York', 'en-GB')).toBe('09:00')
  })
  it('writes the exact moment', () => expect(formatExact(at(3, 3, 14, 5), 'en-GB')).toBe('3 Mar 2025, 14:05'))
  it('fills date and time inputs in a zone', () => {
    expect(zonedParts('2026-11-24T08:00:00Z', 'Europe/Berlin')).toEqual(['2026-11-24', '09:00'])
    expect(zonedParts('2026-11-24T23:30:00Z', 'Europe/Berlin')).toEqual(['2026-11-25', '00:30'])
  })
  it('writes the local day and a file stamp', () => {
    expect(isoDate(new Date(2026, 0, 2, 23, 59))).toBe('2026-01-02')
    expect(fileStamp(new Date(2027, 0, 2, 3, 4))).toBe('2027-01-02 03.04')
  })
})

describe('formatAge', () => {
  const t = Date.UTC(2025, 0, 31, 12)
  const cases: [string, number, string][] = [
    ['future clamps to zero', t + 5000, '0s'],
    ['seconds', t - 45_000, '45s'],
    ['minutes', t - 12 * 60_000, '12m'],
    ['hours', t - 3 * 3_600_000, '3h'],
    ['up to 47 hours', t - 47 * 3_600_000, '47h'],
    ['days', t - 5 * 86_400_000, '5d'],
    ['weeks', t - 21 * 86_400_000, '3w'],
  ]
  for (const [name, from, want] of cases) it(name, () => expect(formatAge(from, t)).toBe(want))
})
