import { describe, expect, it } from 'vitest'
import { changed, errorsByLine, minutesSpent, newMapping, presetReason, problems, readHeader, reused, setField, slaOutcome, summary, ticketNumber } from './importmap'
import type { ImportPreview, ImportRow } from './api/data'

describe('mapping editor', () => {
  const guess = newMapping(['Subject', 'Prio', 'Notes'], ['title', 'priority'])

  it('fills columns the guess left out with "ignore"', () => {
    expect(guess.fields).toEqual(['title', 'priority', ''])
    expect(changed(guess)).toBe(false)
    expect(problems(guess)).toEqual([])
  })

  it.each([
    { name: 'a free field', col: 2, field: 'description' as const, want: ['title', 'priority', 'description'] },
    { name: 'a field another column had', col: 2, field: 'title' as const, want: ['', 'priority', 'title'] },
    { name: 'ignore', col: 1, field: '' as const, want: ['title', '', ''] },
    { name: 'the same field again', col: 0, field: 'title' as const, want: ['title', 'priority', ''] },
  ])('sets $name', ({ col, field, want }) => {
    const m = setField(guess, col, field)
    expect(m.fields).toEqual(want)
    expect(guess.fields).toEqual(['title', 'priority', '']) // the old state is untouched
  })

  it('lets several columns hold comments and tags', () => {
    const jira = newMapping(['Summary', 'Comment', 'Comment', 'Labels'], ['title', 'comment', '', 'tags'])
    const m = setField(setField(jira, 2, 'comment'), 0, 'tags')
    expect(m.fields).toEqual(['tags', 'comment', 'comment', 'tags'])
    expect(reused(jira, 2, 'comment')).toBe('')
  })

  it('says which column loses a field and when the title is missing', () => {
    expect(reused(guess, 2, 'title')).toBe('Subject')
    expect(reused(guess, 0, 'title')).toBe('')
    expect(reused(guess, 2, '')).toBe('')
    const m = setField(guess, 0, 'description')
    expect(problems(m)).toEqual(['Choose the column that holds the ticket title.'])
    expect(changed(m)).toBe(true)
  })
})

describe('readHeader', () => {
  it.each([
    { name: 'commas', text: 'Subject,Priority\nA,B\n', d: '', want: { delimiter: ',', header: ['Subject', 'Priority'] } },
    { name: 'semicolons', text: 'Betreff;Priorität;Status\r\nx;y;z', d: '', want: { delimiter: ';', header: ['Betreff', 'Priorität', 'Status'] } },
    { name: 'tabs', text: 'a\tb\tc', d: '', want: { delimiter: '\t', header: ['a', 'b', 'c'] } },
    { name: 'quoted names with the delimiter', text: '"Title, short";"Said ""hi""";x\n', d: '', want: { delimiter: ';', header: ['Title, short', 'Said "hi"', 'x'] } },
    { name: 'a byte-order mark', text: '\ufeffSubject|Owner\n', d: '', want: { delimiter: '|', header: ['Subject', 'Owner'] } },
    { name: 'a chosen delimiter', text: 'a;b,c\n', d: ',', want: { delimiter: ',', header: ['a;b', 'c'] } },
    { name: 'an empty file', text: '', d: '', want: { delimiter: ',', header: [] } },
  ])('reads $name', ({ text, d, want }) => {
    expect(readHeader(text, d)).toEqual(want)
  })
})

describe('preview helpers', () => {
  const p: ImportPreview = {
    delimiter: ',', header: ['Subject'], mapping: ['title'], dayFirst: false, rows: [],
    system: 'csv', preset: '', detected: false, encoding: 'UTF-8',
    errors: [{ line: 3, column: 'Priority', message: 'cannot read "soon"' }], errorCount: 1, total: 4, valid: 3,
  }
  it('finds errors by line and sums up', () => {
    expect(errorsByLine(p).get(3)?.column).toBe('Priority')
    expect(errorsByLine(p).get(2)).toBeUndefined()
    expect(summary(p)).toBe('4 rows: 3 ready, 1 with an error.')
    expect(summary({ ...p, errors: [], errorCount: 0, valid: 4 })).toBe('4 rows, all ready to import.')
    expect(summary({ ...p, total: 0 })).toBe('The file has a header but no rows.')
  })
})

describe('what the preview says of the file and its rows', () => {
  const p: ImportPreview = {
    delimiter: ';', header: [], mapping: [], dayFirst: true, rows: [], errors: [], errorCount: 0, total: 1, valid: 1,
    system: 'glpi', preset: 'GLPI', detected: true, encoding: 'UTF-8 with BOM',
    clues: ['Opening date', 'Last update', 'Entity', 'Closing date', 'Requester - Requester', 'Time to resolve'],
  }
  it.each([
    { name: 'a detected preset', p, want: 'Detected from its columns “Opening date”, “Last update”, “Entity”, “Closing date” and 2 more, which only a GLPI export has.' },
    { name: 'a chosen preset', p: { ...p, detected: false }, want: 'Read as a GLPI export, as chosen.' },
    { name: 'no preset', p: { ...p, preset: '', detected: false }, want: 'No preset fits these columns: they are matched by their names.' },
  ])('explains $name', ({ p, want }) => {
    expect(presetReason(p)).toBe(want)
  })

  const row: ImportRow = {
    line: 2, ticket: { title: 'x' } as ImportRow['ticket'], status: 'new',
    origin: { system: 'glpi', sourceId: '1042', sla: 'breached', workLogs: [{ id: 'origin.w1', author: 'Pedro', at: '2025-03-13T09:00:00Z', note: '', minutes: 90 }] },
  }
  it('numbers, times and SLA results rows as they will be saved', () => {
    expect(ticketNumber(row)).toBe('GLPI-1042')
    expect(ticketNumber({ ...row, origin: { system: 'csv', sourceId: 'row-0123456789abcdef' } })).toBe('CSV-01234567')
    expect(minutesSpent(row)).toBe('1 h 30 min')
    expect(minutesSpent({ ...row, origin: { ...row.origin, workLogs: [] } })).toBe('')
    expect(slaOutcome(row)).toBe('breached')
    expect(slaOutcome({ ...row, origin: { system: 'glpi', sourceId: '1' } })).toBe('not measured')
  })
})
