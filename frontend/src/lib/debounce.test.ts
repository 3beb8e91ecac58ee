import { afterEach, describe, expect, it, vi } from 'vitest'
import { debounce } from './debounce'

describe('debounce', () => {
  afterEach(() => vi.useRealTimers())
  it('runs once with the last arguments after calls stop', () => {
    vi.useFakeTimers()
    const seen: number[] = []
    const d = debounce((n: number) => seen.push(n), 100)
    d(1)
    vi.advanceTimersByTime(60)
    d(2)
    vi.advanceTimersByTime(60)
    expect(seen).toEqual([])
    vi.advanceTimersByTime(50)
    expect(seen).toEqual([2])
  })
  it('flushes and cancels', () => {
    vi.useFakeTimers()
    const seen: number[] = []
    const d = debounce((n: number) => seen.push(n), 100)
    d(1)
    d.flush()
    expect(seen).toEqual([1])
    d(2)
    d.cancel()
    vi.advanceTimersByTime(500)
    expect(seen).toEqual([1])
    d.flush()
    expect(seen).toEqual([1])
  })
})
