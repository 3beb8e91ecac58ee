// How an SLA target and the business calendar read on the ticket page and in the settings editor.
import type { Calendar, Progress, Shift, Span } from './api/sla'

export type Risk = 'ok' | 'warning' | 'breached' | 'paused' | 'met'

/** short writes business seconds the way the queue does: "45m", "3h 10m", "2d 4h", "12d" (d = 24 h). */
export function short(seconds: number): string {
  const m = Math.round(Math.abs(seconds) / 60)
  if (m < 60) return `${m}m`
  if (m < 24 * 60) {
    const h = Math.floor(m / 60)
    return m % 60 ? `${h}h ${m % 60}m` : `${h}h`
  }
  const d = Math.floor(m / (24 * 60))
  const h = Math.floor((m % (24 * 60)) / 60)
  return h === 0 || d >= 3 ? `${d}d` : `${d}d ${h}h`
}

/**
 * business writes business seconds with business days of daySeconds each: "3h 10m", "12h 30m",
 * "2 business days 1h". Below two business days it stays in hours (short()), which reads better
 * against targets given in hours.
 */
export function business(seconds: number, daySeconds: number): string {
  const s = Math.abs(seconds)
  if (daySeconds <= 0 || s < 2 * daySeconds) return short(s)
  const days = Math.floor(s / daySeconds)
  const h = Math.floor((s - days * daySeconds) / 3600)
  return `${days} business day${days === 1 ? '' : 's'}${h ? ` ${h}h` : ''}`
}

export interface TargetView {
  risk: Risk
  /** the state in a word or two: "Met", "Missed", "Breached", "Paused", "Due soon", "On track" */
  badge: string
  /** the main line: "2h 10m left", "overdue by 40m", "met in 25m" */
  headline: string
  /** when: "due 14:05", "breached 3 Mar 10:00", "responded 09:20" */
  when: string
  /** elapsed share of the target for a bar, 0..1 */
  bar: number
}

/**
 * describeTarget turns one target's progress into what the SLA panel shows. name is "response" or
 * "resolution"; fmt writes an instant (the UI passes formatWhen); daySeconds is the calendar's
 * business day, for durations on a business-hours clock (0: write them in 24-hour days).
 */
export function describeTarget(p: Progress, name: 'response' | 'resolution', fmt: (iso: string) => string, daySeconds = 0): TargetView {
  const bar = Math.max(0, Math.min(1, p.share))
  const dur = (s: number) => (p.allHours ? short(s) : business(s, daySeconds))
  const doneVerb = name === 'response' ? 'responded' : 'resolved'
  if (p.done) {
    const took = dur(p.elapsedSeconds)
    if (p.state === 'breached')
      return {
        risk: 'breached',
        badge: 'Missed',
        headline: `took ${took}, over by ${dur(-p.leftSeconds)}`,
        when: `breached ${p.breachedAt ? fmt(p.breachedAt) : ''}${p.doneAt ? `, ${doneVerb} ${fmt(p.doneAt)}` : ''}`,
        bar,
      }
    return { risk: 'met', badge: 'Met', headline: `met in ${took}`, when: p.doneAt ? `${doneVerb} ${fmt(p.doneAt)}` : '', bar }
  }
  if (p.state === 'breached')
    return {
      risk: 'breached',
      badge: 'Breached',
      headline: `overdue by ${dur(-p.leftSeconds)}`,
      when: p.breachedAt ? `breached ${fmt(p.breachedAt)}` : '',
      bar,
    }
  if (p.paused)
    return { risk: 'paused', badge: 'Paused', headline: `${dur(p.leftSeconds)} left when it resumes`, when: 'clock stopped while waiting', bar }
  const warning = p.state === 'warning75' || p.state === 'warning90'
  return {
    risk: warning ? 'warning' : 'ok',
    badge: warning ? (p.state === 'warning90' ? 'At risk' : 'Due soon') : 'On track',
    headline: `${dur(p.leftSeconds)} left`,
    when: p.dueAt ? `due ${fmt(p.dueAt)}` : '',
    bar,
  }
}

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/**
 * workingWeek summarises a calendar's week: "Mon–Fri 09:00–17:00", "Mon–Thu 08:00–17:00, Fri 08:00–15:00".
 * Days with the same hours in a row are joined; Monday comes first.
 */
export function workingWeek(c: Calendar): string {
  if (c.allHours) return '24x7'
  const order = [1, 2, 3, 4, 5, 6, 0]
  const parts: string[] = []
  let i = 0
  while (i < order.length) {
    const h = c.week[order[i]]
    if (!h || !h.open) {
      i++
      continue
    }
    let j = i
    while (j + 1 < order.length && c.week[order[j + 1]]?.open === h.open && c.week[order[j + 1]]?.close === h.close) j++
    const days = j > i ? `${DAY[order[i]]}–${DAY[order[j]]}` : DAY[order[i]]
    parts.push(`${days} ${h.open}–${h.close}`)
    i = j + 1
  }
  return parts.join(', ') || 'no working days'
}

/** calendarRule is the one-sentence rule shown under SLA figures. */
export function calendarRule(c: Calendar, allHoursTarget = false): string {
  const pause = 'The clock stops while the ticket waits on the requester or a third party.'
  if (c.allHours || allHoursTarget)
    return `Counted 24x7${c.allHours ? '' : ' for this priority'} (calendar time). ${pause}`
  const hol = c.holidays.length ? `, not on the ${c.holidays.length} holiday${c.holidays.length === 1 ? '' : 's'}` : ''
  return `Counted in business hours only: ${workingWeek(c)} (${c.zone})${hol}; a business day is ${short(c.dayMinutes * 60)}. ${pause}`
}

/** spanText writes a target length: "15 min", "4 h", "3 business days". */
export function spanText(s: Span): string {
  if (s.unit === 'days') return `${s.amount} business day${s.amount === 1 ? '' : 's'}`
  return s.unit === 'hours' ? `${s.amount} h` : `${s.amount} min`
}

function tickets(n: number): string {
  return n === 1 ? '1 open ticket' : `${n} open tickets`
}

/** shiftText says what saving new settings does to the open tickets, for the confirmation. */
export function shiftText(s: Shift): string {
  if (s.open === 0) return 'There are no open tickets: new tickets follow these settings.'
  if (s.changed === 0) return s.open === 1 ? 'The open ticket keeps its SLA state.' : `All ${s.open} open tickets keep their SLA state.`
  const parts: string[] = []
  if (s.breached) parts.push(`${s.breached} become${s.breached === 1 ? 's' : ''} breached`)
  if (s.atRisk) parts.push(`${s.atRisk} become${s.atRisk === 1 ? 's' : ''} at risk`)
  if (s.within) parts.push(`${s.within} ${s.within === 1 ? 'is' : 'are'} back within target`)
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0]
  return `${s.changed} of the ${tickets(s.open)} change${s.changed === 1 ? 's' : ''} state: ${list}.`
}
