import { describe, expect, it } from 'vitest'
import { PagedRows } from './paged'

// A list held in memory stands in for the backend's queue: PagedRows only sees offset/limit pages of it.
function source(n: number) {
  let rows = Array.from({ length: n }, (_, i) => `r${i}`)
  const calls: number[] = []
  const gates: (() => void)[] = []
  let hold = false
  const fetch = async (offset: number, limit: number) => {
    calls.push(offset)
    if (hold) await new Promise<void>((r) => gates.push(r))
    return { total: rows.length, rows: rows.slice(offset, offset + limit) }
  }
  return {
    fetch,
    calls,
    set rows(r: string[]) {
      rows = r
    },
    hold(v: boolean) {
      hold = v
    },
    release() {
      gates.splice(0).forEach((g) => g())
    },
  }
}

describe('PagedRows', () => {
  it('fetches only the pages in view', async () => {
    const src = source(100_000)
    const p = new PagedRows(src.fetch, 100)
    await p.reset(50)
    expect(p.total).toBe(100_000)
    expect(p.row(0)).toBe('r0')
    expect(p.row(150)).toBeUndefined()
    await p.ensure(50_010, 50_040)
    expect(p.row(50_020)).toBe('r50020')
    expect(src.calls).toEqual([0, 50_000])
  })

  it('asks for a page once while it is on its way', async () => {
    const src = source(1000)
    const p = new PagedRows(src.fetch, 100)
    await Promise.all([p.ensure(100, 150), p.ensure(120, 180)])
    expect(src.calls).toEqual([100])
  })

  it('keeps showing rows while a change refreshes them', async () => {
    const src = source(300)
    const p = new PagedRows(src.fetch, 100)
    await p.reset(100)
    src.rows = ['new', ...Array.from({ length: 300 }, (_, i) => `r${i}`)]
    src.hold(true)
    const done = p.invalidate(0, 50)
    expect(p.row(0)).toBe('r0')
    src.release()
    await done
    expect(p.row(0)).toBe('new')
    expect(p.total).toBe(301)
  })

  it('drops answers to requests made before a reset', async () => {
    const src = source(300)
    const p = new PagedRows(src.fetch, 100)
    src.hold(true)
    const old = p.ensure(0, 10)
    src.rows = ['only']
    src.hold(false)
    await p.reset(10)
    src.release()
    await old
    expect(p.total).toBe(1)
    expect(p.row(0)).toBe('only')
  })

  it('forgets pages past a shrunken end', async () => {
    const src = source(500)
    const p = new PagedRows(src.fetch, 100)
    await p.ensure(0, 500)
    src.rows = Array.from({ length: 150 }, (_, i) => `s${i}`)
    await p.invalidate(0, 100)
    expect(p.total).toBe(150)
    expect(p.row(450)).toBeUndefined()
    expect(p.loaded().length).toBeLessThanOrEqual(200)
  })

  it('tells its subscriber when rows arrive', async () => {
    const src = source(10)
    const p = new PagedRows(src.fetch, 100)
    let n = 0
    p.subscribe(() => n++)
    await p.reset()
    expect(n).toBe(1)
  })
})
