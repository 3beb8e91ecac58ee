// A page cache over a long server-side list: rows are fetched a page at a time as they scroll into
// view, so the queue stays fast with 100,000 tickets. invalidate() (on a change event) keeps the rows
// shown until fresher pages arrive, and drops answers to requests made before it.
import { pagesFor } from './virtual'

export interface Page<T> {
  total: number
  rows: T[]
}

export type Fetch<T> = (offset: number, limit: number) => Promise<Page<T>>

export class PagedRows<T> {
  total = 0
  private pages = new Map<number, T[]>()
  private stale = new Set<number>()
  private inflight = new Map<number, Promise<void>>()
  private generation = 0
  private onChange: () => void = () => {}

  constructor(
    private readonly fetch: Fetch<T>,
    readonly pageSize = 200,
  ) {}

  /** subscribe sets the function called whenever rows or the total change. */
  subscribe(fn: () => void) {
    this.onChange = fn
  }

  /** row returns row i if its page has arrived. */
  row(i: number): T | undefined {
    return this.pages.get(Math.floor(i / this.pageSize))?.[i % this.pageSize]
  }

  /** loaded lists the rows held so far, in order (for selection across what the user has seen). */
  loaded(): T[] {
    return [...this.pages.keys()].sort((a, b) => a - b).flatMap((p) => this.pages.get(p) ?? [])
  }

  /** ensure fetches the missing or stale pages covering rows [start, end). */
  ensure(start: number, end: number): Promise<void> {
    const want = pagesFor(start, Math.max(end, start + 1), this.pageSize)
    return Promise.all(want.filter((p) => !this.pages.has(p) || this.stale.has(p)).map((p) => this.load(p))).then(() => {})
  }

  /** invalidate marks every page stale (rows stay visible) and refetches those covering [start, end). */
  invalidate(start = 0, end = this.pageSize): Promise<void> {
    this.generation++
    this.inflight.clear()
    for (const p of this.pages.keys()) this.stale.add(p)
    return this.ensure(start, end)
  }

  /** reset forgets everything (a new filter) and fetches the first rows. */
  reset(end = this.pageSize): Promise<void> {
    this.generation++
    this.inflight.clear()
    this.pages.clear()
    this.stale.clear()
    this.total = 0
    return this.ensure(0, end)
  }

  private load(page: number): Promise<void> {
    const running = this.inflight.get(page)
    if (running) return running
    const gen = this.generation
    const p = this.fetch(page * this.pageSize, this.pageSize)
      .then((res) => {
        if (gen !== this.generation) return
        this.pages.set(page, res.rows)
        this.stale.delete(page)
        if (res.total !== this.total) {
          this.total = res.total
          // Pages past the new end no longer exist.
          for (const k of [...this.pages.keys()]) if (k * this.pageSize >= res.total && k !== 0) this.pages.delete(k)
        }
        this.onChange()
      })
      .finally(() => {
        if (this.inflight.get(page) === p) this.inflight.delete(page)
      })
    this.inflight.set(page, p)
    return p
  }
}
