import { describe, expect, it } from 'vitest'
import { pagesFor, revealRow, visibleWindow } from './virtual'

describe('visibleWindow', () => {
  it('renders only the rows in view plus overscan, even for 100,000 rows', () => {
    const w = visibleWindow(340_000, 680, 34, 100_000, 5)
    expect(w).toEqual({ start: 9995, end: 10025, offset: 9995 * 34, height: 3_400_000 })
    expect(w.end - w.start).toBeLessThan(40)
  })
  it('starts at the top', () => {
    expect(visibleWindow(0, 340, 34, 1000, 3)).toEqual({ start: 0, end: 13, offset: 0, height: 34_000 })
  })
  it('clamps a scroll past the end', () => {
    const w = visibleWindow(1e9, 340, 34, 100, 2)
    expect(w.end).toBe(100)
    expect(w.start).toBe(88)
  })
  it('handles a list shorter than the viewport', () => {
    expect(visibleWindow(0, 800, 34, 3, 8)).toEqual({ start: 0, end: 3, offset: 0, height: 102 })
  })
  it('handles an empty list', () => {
    expect(visibleWindow(50, 800, 34, 0)).toEqual({ start: 0, end: 0, offset: 0, height: 0 })
  })
  it('renders at least one row in a zero-height viewport', () => {
    const w = visibleWindow(0, 0, 34, 10, 0)
    expect(w.end - w.start).toBe(1)
  })
})

describe('revealRow', () => {
  it('scrolls up to a row above the view', () => expect(revealRow(2, 340, 340, 34)).toBe(68))
  it('scrolls down to a row below the view', () => expect(revealRow(20, 0, 340, 34)).toBe(21 * 34 - 340))
  it('leaves a visible row alone', () => expect(revealRow(5, 0, 340, 34)).toBeNull())
})

describe('pagesFor', () => {
  it('lists the pages a range touches', () => {
    expect(pagesFor(0, 50, 200)).toEqual([0])
    expect(pagesFor(190, 230, 200)).toEqual([0, 1])
    expect(pagesFor(400, 400, 200)).toEqual([])
    expect(pagesFor(399, 401, 200)).toEqual([1, 2])
  })
})
