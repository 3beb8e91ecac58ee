import { describe, expect, it } from 'vitest'
import type { HistoryEntry } from './api/types'
import { fieldLabel, lineText, readHistory } from './history'

const names = {
  person: (id: string) => ({ '56x66qq': 'Ana Lima', 'bo': 'Bo Berg' })[id] ?? id,
  ticket: (id: string) => ({ t9: 'SMAJ-9' })[id] ?? id,
}

function entry(p: Partial<HistoryEntry>): HistoryEntry {
  return { at: '2026-12-01T10:00:00Z', by: 'bo', device: 'd1', write: 'w1', field: 'title', op: 'set', concurrent: false, resolves: false, ...p }
}

describe('readHistory', () => {
  it('names people, labels fields, formats values and reads from -> to', () => {
    const g = readHistory(
      [
        entry({ write: 'w1', field: 'status', value: 'new' }),
        entry({ write: 'w1', field: 'priority', value: 3 }),
        entry({ write: 'w1', field: 'events', op: 'append', value: { type: 'status', to: 'new' } }),
        entry({ write: 'w2', field: 'assignee', value: '56x66qq' }),
        entry({ write: 'w2', field: 'status', value: 'assigned' }),
        entry({ write: 'w3', by: '56x66qq', field: 'worklogs', op: 'append', value: { minutes: 90, note: 'Reimaged' } }),
        entry({ write: 'w4', field: 'links', op: 'add', elem: 'duplicate-of:t9' }),
        entry({ write: 'w5', field: 'assignee', value: '' }),
      ],
      names,
    )
    const text = g.map((x) => `${x.by}: ${x.lines.map(lineText).join('; ')}`)
    expect(text).toEqual([
      'Bo Berg: Assignee: Ana Lima → (empty)',
      'Bo Berg: Links: duplicate of SMAJ-9',
      'Ana Lima: Work log: 1h 30m · Reimaged',
      'Bo Berg: Assignee: Ana Lima; Status: New → Assigned',
      'Bo Berg: Status: New; Priority: P3 Moderate',
    ])
    expect(text.join(' ')).not.toMatch(/56x66|events|worklogs/)
  })

  it('marks a refused write with why, and reads the next write against the value that stayed', () => {
    const g = readHistory(
      [
        entry({ write: 'w1', field: 'status', value: 'new' }),
        entry({ write: 'w2', field: 'status', value: 'closed', refused: 'Bo Berg may not close tickets' }),
        entry({ write: 'w3', field: 'status', value: 'assigned' }),
      ],
      names,
    )
    expect(g.map((x) => x.lines.map(lineText).join('; '))).toEqual([
      'Status: New → Assigned',
      'Status: New → Closed (not applied: Bo Berg may not close tickets)',
      'Status: New',
    ])
  })

  it('reads concurrent overwrites in the same words, both against the value they replaced', () => {
    const g = readHistory(
      [
        entry({ write: 'w1', field: 'status', value: 'assigned' }),
        entry({ write: 'w2', by: '56x66qq', field: 'status', value: 'resolved', concurrent: true }),
        entry({ write: 'w3', field: 'status', value: 'in_progress', concurrent: true }),
      ],
      names,
    )
    expect(g.slice(0, 2).map((x) => `${x.by}: ${lineText(x.lines[0])}`)).toEqual([
      'Bo Berg: Status: Assigned → In progress (at the same time as another edit)',
      'Ana Lima: Status: Assigned → Resolved (at the same time as another edit)',
    ])
  })

  it('labels fields it does not know in words', () => {
    expect(fieldLabel('worklogs')).toBe('Work log')
    expect(fieldLabel('resolutionCode')).toBe('Resolution code')
  })
})
