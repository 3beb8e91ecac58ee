import { describe, expect, it } from 'vitest'
import type { Calendar, Progress, Shift } from './api/sla'
import { business, calendarRule, describeTarget, shiftText, short, spanText, workingWeek } from './sla'

const base: Progress = {
  state: 'ok',
  priority: 2,
  share: 0.25,
  done: false,
  paused: false,
  allHours: false,
  targetSeconds: 8 * 3600,
  elapsedSeconds: 2 * 3600,
  leftSeconds: 6 * 3600,
}
const fmt = (iso: string) => `<${iso}>`

describe('short', () => {
  const cases: [number, string][] = [
    [0, '0m'],
    [45 * 60, '45m'],
    [3 * 3600, '3h'],
    [3 * 3600 + 10 * 60, '3h 10m'],
    [-(20 * 60), '20m'],
    [26 * 3600, '1d 2h'],
    [4 * 86400 + 3600, '4d'],
  ]
  for (const [s, want] of cases) it(`${s}s is ${want}`, () => expect(short(s)).toBe(want))
})

describe('business', () => {
  const day = 8 * 3600
  const cases: [number, string][] = [
    [3 * 3600 + 600, '3h 10m'],
    [day, '8h'],
    [day + 4 * 3600 + 1800, '12h 30m'],
    [2 * day + 3600, '2 business days 1h'],
    [3 * day, '3 business days'],
    [-(2 * day), '2 business days'],
  ]
  for (const [s, want] of cases) it(`${s}s is ${want}`, () => expect(business(s, day)).toBe(want))
})

describe('describeTarget', () => {
  const cases: { name: string; p: Partial<Progress>; target?: 'response' | 'resolution'; want: Partial<ReturnType<typeof describeTarget>> }[] = [
    { name: 'running, on track', p: { dueAt: '2026-11-23T15:00:00Z' }, want: { risk: 'ok', badge: 'On track', headline: '6h left', when: 'due <2026-11-23T15:00:00Z>', bar: 0.25 } },
    { name: 'past the first warning', p: { state: 'warning75', share: 0.8, leftSeconds: 5760, dueAt: 'D' }, want: { risk: 'warning', badge: 'Due soon', headline: '1h 36m left' } },
    { name: 'past the second warning', p: { state: 'warning90', share: 0.95, leftSeconds: 1440, dueAt: 'D' }, want: { risk: 'warning', badge: 'At risk', headline: '24m left' } },
    { name: 'breached and still open', p: { state: 'breached', share: 1.2, leftSeconds: -40 * 60, breachedAt: 'B' }, want: { risk: 'breached', badge: 'Breached', headline: 'overdue by 40m', when: 'breached <B>', bar: 1 } },
    { name: 'paused while waiting', p: { paused: true, share: 0.5, leftSeconds: 4 * 3600 }, want: { risk: 'paused', badge: 'Paused', headline: '4h left when it resumes' } },
    { name: 'response met', p: { state: 'met', done: true, doneAt: 'R', elapsedSeconds: 25 * 60 }, target: 'response', want: { risk: 'met', badge: 'Met', headline: 'met in 25m', when: 'responded <R>' } },
    { name: 'resolution missed', p: { state: 'breached', done: true, doneAt: 'R', breachedAt: 'B', elapsedSeconds: 9 * 3600, leftSeconds: -3600 }, want: { risk: 'breached', badge: 'Missed', headline: 'took 9h, over by 1h', when: 'breached <B>, resolved <R>' } },
    { name: 'a breached target stays breached while paused', p: { state: 'breached', paused: true, leftSeconds: -600, breachedAt: 'B' }, want: { risk: 'breached', badge: 'Breached' } },
  ]
  for (const c of cases)
    it(c.name, () => expect(describeTarget({ ...base, ...c.p }, c.target ?? 'resolution', fmt)).toMatchObject(c.want))

  it('counts business days on a business clock and 24-hour days on a 24x7 one', () => {
    const p = { ...base, leftSeconds: 20 * 3600 + 33 * 60 }
    expect(describeTarget(p, 'resolution', fmt, 8 * 3600).headline).toBe('2 business days 4h left')
    expect(describeTarget({ ...p, allHours: true }, 'resolution', fmt, 8 * 3600).headline).toBe('20h 33m left')
  })
})

function cal(over: Partial<Calendar> = {}): Calendar {
  const week = Array.from({ length: 7 }, (_, d) => (d >= 1 && d <= 5 ? { open: '09:00', close: '17:00' } : { open: '', close: '' }))
  return { zone: 'Europe/Berlin', allHours: false, week, holidays: [], dayMinutes: 480, ...over }
}

describe('workingWeek and calendarRule', () => {
  it('joins equal days', () => expect(workingWeek(cal())).toBe('Mon–Fri 09:00–17:00'))
  it('splits a short Friday and keeps Saturday', () => {
    const c = cal()
    c.week[5] = { open: '09:00', close: '15:00' }
    c.week[6] = { open: '10:00', close: '12:00' }
    expect(workingWeek(c)).toBe('Mon–Thu 09:00–17:00, Fri 09:00–15:00, Sat 10:00–12:00')
  })
  it('says 24x7', () => expect(workingWeek(cal({ allHours: true }))).toBe('24x7'))
  it('states the business-hours rule with zone and holidays', () =>
    expect(calendarRule(cal({ holidays: ['2026-12-25', '2026-12-26'] }))).toBe(
      'Counted in business hours only: Mon–Fri 09:00–17:00 (Europe/Berlin), not on the 2 holidays; a business day is 8h. The clock stops while the ticket waits on the requester or a third party.',
    ))
  it('states a 24x7 priority', () => expect(calendarRule(cal(), true)).toMatch(/^Counted 24x7 for this priority/))
  it('writes spans', () => {
    expect(spanText({ amount: 15, unit: 'minutes' })).toBe('15 min')
    expect(spanText({ amount: 1, unit: 'days' })).toBe('1 business day')
    expect(spanText({ amount: 3, unit: 'days' })).toBe('3 business days')
  })
})

describe('shiftText', () => {
  const cases: [Shift, string][] = [
    [{ open: 0, changed: 0, breached: 0, atRisk: 0, within: 0 }, 'There are no open tickets: new tickets follow these settings.'],
    [{ open: 1, changed: 0, breached: 0, atRisk: 0, within: 0 }, 'The open ticket keeps its SLA state.'],
    [{ open: 3, changed: 0, breached: 0, atRisk: 0, within: 0 }, 'All 3 open tickets keep their SLA state.'],
    [{ open: 12, changed: 1, breached: 1, atRisk: 0, within: 0 }, '1 of the 12 open tickets changes state: 1 becomes breached.'],
    [{ open: 12, changed: 6, breached: 3, atRisk: 2, within: 1 }, '6 of the 12 open tickets change state: 3 become breached, 2 become at risk and 1 is back within target.'],
    [{ open: 4, changed: 2, breached: 0, atRisk: 0, within: 2 }, '2 of the 4 open tickets change state: 2 are back within target.'],
  ]
  for (const [s, want] of cases) it(want, () => expect(shiftText(s)).toBe(want))
})
