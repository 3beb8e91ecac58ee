import { describe, expect, it } from 'vitest'
import type { Settings } from './api/sla'
import { addHoliday, dayField, toForm, toSettings } from './slaform'

function defaults(): Settings {
  const week = Array.from({ length: 7 }, (_, d) => (d >= 1 && d <= 5 ? { open: '09:00', close: '17:00' } : { open: '', close: '' }))
  return {
    policy: {
      targets: [
        { priority: 1, response: { amount: 15, unit: 'minutes' }, resolution: { amount: 4, unit: 'hours' }, allHours: false },
        { priority: 2, response: { amount: 1, unit: 'hours' }, resolution: { amount: 8, unit: 'hours' }, allHours: false },
        { priority: 3, response: { amount: 4, unit: 'hours' }, resolution: { amount: 3, unit: 'days' }, allHours: false },
        { priority: 4, response: { amount: 1, unit: 'days' }, resolution: { amount: 5, unit: 'days' }, allHours: false },
        { priority: 5, response: { amount: 2, unit: 'days' }, resolution: { amount: 10, unit: 'days' }, allHours: false },
      ],
      warnAt: [75, 90],
    },
    calendar: { zone: 'UTC', allHours: false, week, holidays: [], dayMinutes: 480 },
  }
}

describe('SLA settings form', () => {
  it('round-trips the settings unchanged', () => {
    expect(toSettings(toForm(defaults()))).toEqual(defaults())
  })

  it('lists days Monday first with a day off unticked', () => {
    const f = toForm(defaults())
    expect(f.days.map((d) => d.label)).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])
    expect(f.days.map((d) => d.working)).toEqual([true, true, true, true, true, false, false])
    expect(f.dayHours).toBe(8)
  })

  it('writes the edits back where SLAService expects them', () => {
    const f = toForm(defaults())
    f.days[4] = { ...f.days[4], close: '15:00' } // Friday
    f.days[5] = { ...f.days[5], working: true, open: '10:00', close: '12:00' } // Saturday
    f.days[0] = { ...f.days[0], working: false } // Monday off
    f.targets[0].allHours = true
    f.targets[1].resolution.amount = '12' as unknown as number // from an input
    f.dayHours = 7.5
    f.zone = ' Europe/Berlin '
    const s = toSettings(f)
    expect(s.calendar.week[5]).toEqual({ open: '09:00', close: '15:00' })
    expect(s.calendar.week[6]).toEqual({ open: '10:00', close: '12:00' })
    expect(s.calendar.week[1]).toEqual({ open: '', close: '' })
    expect(s.calendar.dayMinutes).toBe(450)
    expect(s.calendar.zone).toBe('Europe/Berlin')
    expect(s.policy.targets[0].allHours).toBe(true)
    expect(s.policy.targets[1].resolution).toEqual({ amount: 12, unit: 'hours' })
  })

  it('keeps holidays sorted and once each', () => {
    let h: string[] = []
    h = addHoliday(h, '2026-12-26')
    h = addHoliday(h, '2026-12-25')
    h = addHoliday(h, '2026-12-25')
    h = addHoliday(h, '')
    h = addHoliday(h, '25.12.2026')
    expect(h).toEqual(['2026-12-25', '2026-12-26'])
  })

  it('names weekday fields as the backend does', () => {
    expect(dayField(1)).toBe('calendar.week.monday')
    expect(dayField(0)).toBe('calendar.week.sunday')
  })
})
