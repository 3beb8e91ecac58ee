// Reports (backend/metrics through ReportService) and SLA settings (SLAService). Every figure carries
// its definition; tables come back as the CSV export writes them.
import { call } from './transport'
import type * as metrics from './gen/metrics'
import type { Narrow } from './types'

export interface ReportFilter extends Narrow<metrics.Filter, { granularity?: 'day' | 'week' }> {}

export type Count = metrics.Count

/** percent is null when nothing was due (encoding/json sends Go's nil). */
type Percent = { percent: number | null }
export interface Ratio extends Narrow<metrics.Ratio, Percent> {}

export type Stats = metrics.Stats

export type Bucket = metrics.Bucket

export interface TechRow extends Narrow<metrics.TechRow, { sla: Ratio; fcr: Ratio }> {}

export interface Trend extends Narrow<metrics.Trend, { kind: 'category' | 'term' }> {}

export interface Reports
  extends Narrow<
    metrics.Reports,
    {
      filter: ReportFilter
      sla: Narrow<metrics.Compliance, { response: Ratio; resolution: Ratio; byPriority: Narrow<metrics.PrioC, { response: Ratio; resolution: Ratio }>[] }>
      fcr: Narrow<metrics.FCR, Percent>
      reopen: Narrow<metrics.Reopen, Percent>
      technicians: Narrow<metrics.Technicians, { rows: TechRow[] }>
      trends: Narrow<metrics.Trends, { items: Trend[] }>
    }
  > {}

export type Breach = metrics.Breach

export interface Weekly extends Narrow<metrics.Weekly, { reports: Reports }> {}

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
