// Windowing maths for long lists: which rows to render for a scroll position, and where to scroll
// to bring a row into view. Rows have a fixed height.

export interface Window {
  /** first row to render (inclusive) */
  start: number
  /** row after the last one to render (exclusive) */
  end: number
  /** pixels above the first rendered row */
  offset: number
  /** height of the whole list in pixels */
  height: number
}

export function visibleWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): Window {
  const height = count * rowHeight
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, height: 0 }
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, height - viewport))
  const first = Math.floor(top / rowHeight)
  const last = Math.ceil((top + Math.max(viewport, 0)) / rowHeight)
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, Math.max(last, first + 1) + overscan)
  return { start, end, offset: start * rowHeight, height }
}

/** revealRow returns the scrollTop that shows row index fully, or null when it is already visible. */
export function revealRow(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight
  const bottom = top + rowHeight
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport)
  return null
}

/** pagesFor lists the page numbers (pages of size rows) that rows [start, end) fall in. */
export function pagesFor(start: number, end: number, size: number): number[] {
  if (end <= start || size <= 0) return []
  const out: number[] = []
  for (let p = Math.floor(start / size); p <= Math.floor((end - 1) / size); p++) out.push(p)
  return out
}
