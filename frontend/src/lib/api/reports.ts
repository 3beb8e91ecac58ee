// Reports (backend/metrics through ReportService) and SLA settings (SLAService). Every figure carries
// its definition; tables come back as the CSV export writes them.
import { call } from './transport'

export interface ReportFilter {
  from?: string
  to?: string
  category?: string
  priority?: number
  technician?: string
  granularity?: 'day' | 'week'
}

export interface Count {
  key: string
  created: number
  resolved: number
}
export interface Ratio {
  part: number
  whole: number
  percent: number | null
}
export interface Stats {
  count: number
  mean: number
  median: number
  p90: number
}
export interface Bucket {
  label: string
  count: number
}
export interface TechRow {
  technician: string
  openLoad: number
  resolved: number
  sla: Ratio
  fcr: Ratio
  hoursLogged: number
}
export interface Trend {
  kind: 'category' | 'term'
  name: string
  recent: number
  baseline: number
  ratio: number
  statement: string
}
export interface Reports {
  filter: ReportFilter
  asOf: string
  tickets: number
  volume: {
    definition: string
    granularity: string
    series: Count[]
    byCategory: Count[]
    byPriority: Count[]
    bySource: Count[]
    byTechnician: Count[]
    created: number
    resolved: number
  }
  sla: {
    definition: string
    response: Ratio
    resolution: Ratio
    byPriority: { priority: number; response: Ratio; resolution: Ratio }[]
  }
  fcr: Ratio & { definition: string }
  mttr: { definition: string; calendarHours: Stats; businessHours: Stats }
  backlog: { definition: string; asOf: string; open: number; byAge: Bucket[]; bySla: Bucket[] }
  reopen: Ratio & { definition: string }
  technicians: { definition: string; rows: TechRow[] }
  trends: { definition: string; items: Trend[] }
}
export interface Breach {
  ticketId: string
  number: string
  title: string
  assignee: string
  target: string
  priority: number
  breachedAt: string
}
export interface Weekly {
  week: { from: string; to: string }
  reports: Reports
  breaches: Breach[]
  lines: string[]
}

const R = 'ReportService'
export const reports = {
  all: (f: ReportFilter) => call<Reports>(R, 'Reports', f),
  csv: (table: string, f: ReportFilter) => call<string>(R, 'CSV', table, f),
  weekly: (weekStart: string) => call<Weekly>(R, 'WeeklySummary', weekStart),
}

/** percent writes a ratio as "87.5%", or "—" when nothing was due. */
export function percent(r: Ratio): string {
  return r.percent === null ? '—' : `${r.percent.toFixed(1)}%`
}
