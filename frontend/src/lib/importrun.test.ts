import { describe, expect, it } from 'vitest'
import { duration, percent, progressText, resultText, rowsPerSecond } from './importrun'

describe('import progress', () => {
  it.each([
    { name: 'before any row', s: { done: 0, total: 20000, elapsedMs: 0 }, want: '0 of 20,000 rows (0%)' },
    { name: 'part way', s: { done: 5000, total: 20000, elapsedMs: 2000 }, want: '5,000 of 20,000 rows (25%) · 2,500 rows/s · about 6 s left' },
    { name: 'a slow import', s: { done: 100, total: 20000, elapsedMs: 10000 }, want: '100 of 20,000 rows (0%) · 10 rows/s · about 33 min 10 s left' },
    { name: 'at the end', s: { done: 20000, total: 20000, elapsedMs: 4000 }, want: '20,000 of 20,000 rows (100%) · 5,000 rows/s · about 0 s left' },
  ])('reads $name', ({ s, want }) => {
    expect(progressText(s)).toBe(want)
  })

  it('keeps percent and rate in range', () => {
    expect(percent({ done: 5, total: 0, elapsedMs: 1 })).toBe(0)
    expect(percent({ done: 30, total: 20, elapsedMs: 1 })).toBe(100)
    expect(rowsPerSecond({ done: 30, total: 20, elapsedMs: 0 })).toBe(0)
    expect(duration(3900)).toBe('1 h 5 min')
    expect(duration(3600)).toBe('1 h')
  })
})

describe('import result', () => {
  const base = { system: 'glpi', total: 20000, imported: 0, unchanged: 0, skipped: 0 }
  it.each([
    { name: 'a first import', r: { ...base, imported: 20000 }, want: 'Done: 20,000 tickets new or updated.' },
    { name: 'a cancelled one', r: { ...base, imported: 7000, cancelled: true }, want: 'Stopped after 7,000 of 20,000 rows: 7,000 tickets new or updated.' },
    {
      name: 'the re-run that finishes it',
      r: { ...base, imported: 13000, unchanged: 7000 },
      want: 'Done: 13,000 tickets new or updated, 7,000 tickets already up to date.',
    },
    { name: 'skipped rows', r: { ...base, total: 3, imported: 1, skipped: 1, unchanged: 1 }, want: 'Done: 1 ticket new or updated, 1 ticket already up to date, 1 row with errors skipped.' },
  ])('says $name', ({ r, want }) => {
    expect(resultText(r)).toBe(want)
  })
})
