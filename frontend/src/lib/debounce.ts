// debounce returns fn delayed until calls have stopped for ms; flush runs a pending call now, cancel drops it.
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let last: A | null = null
  const d = (...args: A) => {
    last = args
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      const a = last as A
      last = null
      fn(...a)
    }, ms)
  }
  d.cancel = () => {
    if (timer) clearTimeout(timer)
    timer = null
    last = null
  }
  d.flush = () => {
    if (!timer) return
    clearTimeout(timer)
    timer = null
    const a = last as A
    last = null
    fn(...a)
  }
  return d
}
