import { describe, expect, it } from 'vitest'
import { takeToken } from './transport'

function memory(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init))
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m }
}

describe('takeToken', () => {
  it('takes the token from the link, keeps it, and cleans the address', () => {
    const s = memory()
    const r = takeToken(new URL('http://127.0.0.1:7480/?token=abc123#/queue'), s)
    expect(r).toEqual({ token: 'abc123', cleaned: '/#/queue' })
    expect(s.m.get('outpost.token')).toBe('abc123')
  })
  it('keeps other query parameters', () => {
    const r = takeToken(new URL('http://h/?a=1&token=t'), memory())
    expect(r.cleaned).toBe('/?a=1')
  })
  it('reads a kept token after a reload without one in the address', () => {
    const r = takeToken(new URL('http://h/#/ticket/x'), memory({ 'outpost.token': 'kept' }))
    expect(r).toEqual({ token: 'kept', cleaned: null })
  })
  it('has no token on a first load without a link', () => {
    expect(takeToken(new URL('http://h/'), memory())).toEqual({ token: '', cleaned: null })
  })
})
