// The SLA settings editor's form: the team's policy and business calendar as the form edits them
// (Monday-first day rows, a business day in hours, sorted holidays), and back to what SLAService.Save takes.
import type { Settings, Target } from './api/sla'

export const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const

export interface DayRow {
  /** index in the calendar's week (0 = Sunday) */
  day: number
  label: string
  working: boolean
  open: string
  close: string
}

export interface SlaForm {
  targets: Target[]
  warn1: number
  warn2: number
  zone: string
  allHours: boolean
  days: DayRow[]
  holidays: string[]
  dayHours: number
}

/** toForm reads settings into the form; days come Monday first. */
export function toForm(s: Settings): SlaForm {
  const days = [1, 2, 3, 4, 5, 6, 0].map((d) => {
    const h = s.calendar.week[d] ?? { open: '', close: '' }
    const label = DAY_NAMES[d][0].toUpperCase() + DAY_NAMES[d].slice(1)
    return { day: d, label, working: !!(h.open || h.close), open: h.open || '09:00', close: h.close || '17:00' }
  })
  return {
    targets: s.policy.targets.map((t) => ({ ...t, response: { ...t.response }, resolution: { ...t.resolution } })),
    warn1: s.policy.warnAt[0],
    warn2: s.policy.warnAt[1],
    zone: s.calendar.zone,
    allHours: s.calendar.allHours,
    days,
    holidays: [...(s.calendar.holidays ?? [])].sort(),
    dayHours: s.calendar.dayMinutes / 60,
  }
}

/** toSettings writes the form as SLAService.Save takes it; a day off has empty hours. */
export function toSettings(f: SlaForm): Settings {
  const week = Array.from({ length: 7 }, () => ({ open: '', close: '' }))
  for (const r of f.days) if (r.working) week[r.day] = { open: r.open, close: r.close }
  return {
    policy: {
      targets: f.targets.map((t) => ({
        priority: t.priority,
        response: { amount: Number(t.response.amount), unit: t.response.unit },
        resolution: { amount: Number(t.resolution.amount), unit: t.resolution.unit },
        allHours: t.allHours,
      })),
      warnAt: [Number(f.warn1), Number(f.warn2)],
    },
    calendar: {
      zone: f.zone.trim(),
      allHours: f.allHours,
      week,
      holidays: [...f.holidays],
      dayMinutes: Math.round(Number(f.dayHours) * 60),
    },
  }
}

/** addHoliday adds a date ("YYYY-MM-DD") to a sorted list of holidays; a repeat or an empty date changes nothing. */
export function addHoliday(list: string[], date: string): string[] {
  const d = date.trim()
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || list.includes(d)) return list
  return [...list, d].sort()
}

/** dayField is the field name SLAService.Save uses for a weekday's hours. */
export function dayField(day: number): string {
  return `calendar.week.${DAY_NAMES[day]}`
}
