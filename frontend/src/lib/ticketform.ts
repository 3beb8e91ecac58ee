// Small rules the ticket forms apply before anything reaches the backend (which checks again).
import type { Level } from './api/types'

const MATRIX: Record<Level, Record<Level, number>> = {
  high: { high: 1, medium: 2, low: 3 },
  medium: { high: 2, medium: 3, low: 4 },
  low: { high: 3, medium: 4, low: 5 },
}

/** matrixPriority is the default ITIL impact x urgency matrix the backend applies (a preview only). */
export function matrixPriority(impact: Level, urgency: Level): number {
  return MATRIX[impact]?.[urgency] ?? 3
}

/** splitTags reads "VPN, remote ,,vpn" as ["vpn", "remote"]. */
export function splitTags(s: string): string[] {
  const out: string[] = []
  for (const t of s.split(/[,\n]/)) {
    const v = t.trim().toLowerCase()
    if (v && !out.includes(v)) out.push(v)
  }
  return out
}

/** MIN_HANDOVER mirrors the backend's shortest accepted escalation handover note. */
export const MIN_HANDOVER = 20
