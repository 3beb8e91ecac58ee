// How instants and days read in the UI, in the reader's locale: the one place dates are formatted.
// Recent and near moments read relative to now ("5 min ago", "yesterday 14:05", "tomorrow 09:00"),
// others absolute ("Mon 14:05" within a week, "3 Mar, 14:05" this year, "3 Mar 2023" before).

/** an instant: an ISO string, a bare YYYY-MM-DD day, milliseconds or a Date; empty ones format as "" */
export type When = string | number | Date | null | undefined

export interface WhenOptions {
  now?: Date
  locale?: string
}

export interface DayOptions extends WhenOptions {
  /** name the weekday ("Mon 3 Mar"); "long" also writes the month in full ("Monday 3 March") */
  weekday?: 'short' | 'long'
  /** always write the year */
  year?: boolean
  /** "today", "yesterday", "tomorrow" for those days (default true) */
  relative?: boolean
  /** an IANA zone to read the day in (no relative words then: "today" is the reader's) */
  zone?: string
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

/** toDate reads an instant; a bare "YYYY-MM-DD" is that day's local midnight, not UTC's. */
function toDate(v: When): Date {
  if (v === null || v === undefined || v === '') return new Date(NaN)
  if (typeof v === 'string') {
    const m = DAY_ONLY.exec(v)
    if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  }
  return v instanceof Date ? v : new Date(v)
}

/** calendarDays is how many local calendar days d is after now (negative before). */
function calendarDays(d: Date, now: Date): number {
  const a = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())
  const b = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())
  return Math.round((a - b) / 86_400_000)
}

function relative(locale?: string) {
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' })
}

/** hour writes hours as the locale does: "09:05" on a 24-hour clock, "9:05 AM" on a 12-hour one. */
function hour(locale?: string): 'numeric' | '2-digit' {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle
  return cycle === 'h11' || cycle === 'h12' ? 'numeric' : '2-digit'
}

/** formatTime is a wall-clock time, "14:05" (or "2:05 PM" where the locale says so), optionally in zone. */
export function formatTime(at: When, zone?: string, locale?: string): string {
  const d = toDate(at)
  if (Number.isNaN(d.getTime())) return ''
  return d.toLocaleTimeString(locale, { hour: hour(locale), minute: '2-digit', timeZone: zone || undefined })
}

/** formatWhen is a moment: relative when recent or near, absolute otherwise (see the file comment). */
export function formatWhen(at: When, { now = new Date(), locale }: WhenOptions = {}): string {
  const d = toDate(at)
  if (Number.isNaN(d.getTime())) return ''
  const ms = d.getTime() - now.getTime()
  if (Math.abs(ms) < MINUTE) return relative(locale).format(0, 'second')
  if (Math.abs(ms) < HOUR) return relative(locale).format(Math.trunc(ms / MINUTE), 'minute')
  const hm = formatTime(d, undefined, locale)
  const days = calendarDays(d, now)
  if (Math.abs(days) <= 1) return `${relative(locale).format(days, 'day')} ${hm}`
  if (Math.abs(days) < 7) return `${d.toLocaleDateString(locale, { weekday: 'short' })} ${hm}`
  if (d.getFullYear() === now.getFullYear())
    return d.toLocaleString(locale, { day: 'numeric', month: 'short', hour: hour(locale), minute: '2-digit' })
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' })
}

/** formatDay is a calendar day: "today", "yesterday", else "3 Mar" this year and "3 Mar 2023" before.
 *  A string it cannot read is shown as it is. */
export function formatDay(at: When, o: DayOptions = {}): string {
  const d = toDate(at)
  if (Number.isNaN(d.getTime())) return typeof at === 'string' ? at : ''
  const now = o.now ?? new Date()
  if (o.relative !== false && !o.zone) {
    const days = calendarDays(d, now)
    if (Math.abs(days) <= 1) return relative(o.locale).format(days, 'day')
  }
  const long = o.weekday === 'long'
  return d.toLocaleDateString(o.locale, {
    weekday: o.weekday,
    day: 'numeric',
    month: long ? 'long' : 'short',
    year: o.year || d.getFullYear() !== now.getFullYear() ? 'numeric' : undefined,
    timeZone: o.zone || undefined,
  })
}

/** formatExact is the full absolute moment, "3 Mar 2025, 14:05", for a tooltip or a record. */
export function formatExact(at: When, locale?: string): string {
  const d = toDate(at)
  if (Number.isNaN(d.getTime())) return ''
  return d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
}

/** formatAge renders the time between two instants (milliseconds) compactly: "45s", "12m", "3h", "5d", "7w". */
export function formatAge(from: number, now: number): string {
  const s = Math.max(0, Math.floor((now - from) / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h}h`
  const d = Math.floor(h / 24)
  if (d < 14) return `${d}d`
  return `${Math.floor(d / 7)}w`
}

const pad = (n: number) => String(n).padStart(2, '0')

/** isoDate is the local day of d as YYYY-MM-DD, the form date inputs and the backend read. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** zonedParts is an instant's day and wall clock in zone, as date and time inputs read them: ["2026-11-24", "09:00"]. */
export function zonedParts(at: When, zone: string): [string, string] {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(toDate(at))
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? ''
  return [`${p('year')}-${p('month')}-${p('day')}`, `${p('hour') === '24' ? '00' : p('hour')}:${p('minute')}`]
}

/** fileStamp names a moment in a file name, in local time: "2026-12-06 14.03". */
export function fileStamp(d: Date): string {
  return `${isoDate(d)} ${pad(d.getHours())}.${pad(d.getMinutes())}`
}
