import { describe, expect, it } from 'vitest'
import { ApiError, fieldErrors, toApiError } from './errors'

describe('toApiError', () => {
  const cases: { name: string; raw: unknown; status?: number; message: string; field?: string; problem: string }[] = [
    {
      name: 'HTTP body with a field',
      raw: { error: 'title: is required', field: 'title' },
      status: 400,
      message: 'title: is required',
      field: 'title',
      problem: 'is required',
    },
    {
      name: 'HTTP body with a labelled field',
      raw: { error: 'Time off 1, until must be after the start', field: 'timeOff[0].to', label: 'Time off 1, until', problem: 'must be after the start' },
      status: 400,
      message: 'Time off 1, until must be after the start',
      field: 'timeOff[0].to',
      problem: 'must be after the start',
    },
    {
      name: 'window error whose body is JSON text',
      raw: new Error('{"error":"Time zone is required","field":"hours.zone","label":"Time zone","problem":"is required"}'),
      message: 'Time zone is required',
      field: 'hours.zone',
      problem: 'is required',
    },
    {
      name: 'HTTP body without a field',
      raw: { error: 'ticket not found: x' },
      status: 400,
      message: 'ticket not found: x',
      problem: 'ticket not found: x',
    },
    {
      name: 'window error: an Error whose message is the JSON body (how the Wails runtime rejects)',
      raw: new Error('{"error":"path: choose a place outside Outpost\'s data directory","field":"path"}'),
      message: "path: choose a place outside Outpost's data directory",
      field: 'path',
      problem: "choose a place outside Outpost's data directory",
    },
    {
      name: 'window error as plain string names its field',
      raw: 'requester.name: is 300 characters long; the limit is 200',
      message: 'requester.name: is 300 characters long; the limit is 200',
      field: 'requester.name',
      problem: 'is 300 characters long; the limit is 200',
    },
    {
      name: 'plain string with spaces before the colon names no field',
      raw: 'ticket not found: 123',
      message: 'ticket not found: 123',
      problem: 'ticket not found: 123',
    },
    {
      name: 'JSON text from the window formatter',
      raw: '{"error":"handover: needs at least 20 characters","field":"handover"}',
      message: 'handover: needs at least 20 characters',
      field: 'handover',
      problem: 'needs at least 20 characters',
    },
    { name: 'network failure', raw: new TypeError('Failed to fetch'), message: 'Failed to fetch', problem: 'Failed to fetch' },
    { name: 'anything else', raw: 42, message: 'request failed', problem: 'request failed' },
  ]
  for (const c of cases)
    it(c.name, () => {
      const e = toApiError(c.raw, c.status)
      expect(e).toBeInstanceOf(ApiError)
      expect(e.message).toBe(c.message)
      expect(e.field).toBe(c.field)
      expect(e.problem).toBe(c.problem)
      if (c.status) expect(e.status).toBe(c.status)
    })

  it('keeps an ApiError as it is', () => {
    const e = new ApiError('x', 'f', 400)
    expect(toApiError(e)).toBe(e)
  })

  it('recognises a missing method', () => {
    expect(toApiError({ error: 'no such method TechnicianService.List' }, 404).missingMethod).toBe(true)
    expect(toApiError({ error: 'not authorised' }, 401).missingMethod).toBe(false)
  })
})

describe('fieldErrors', () => {
  it('puts a field error under its field', () => {
    expect(fieldErrors({ error: 'title: is required', field: 'title' })).toEqual({ title: 'is required' })
    expect(fieldErrors({ error: 'SLA resolution target used must be from 0 to 100%', field: 'rules.slaRiskAtLeast', problem: 'must be from 0 to 100%' })).toEqual({
      'rules.slaRiskAtLeast': 'must be from 0 to 100%',
    })
  })
  it('puts other errors under the fallback key', () => {
    expect(fieldErrors({ error: 'this device is already in a team' }, 'name')).toEqual({
      name: 'this device is already in a team',
    })
    expect(fieldErrors('disk full')).toEqual({ _form: 'disk full' })
  })
})
