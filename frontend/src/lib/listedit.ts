// Small list edits for editors that reorder lines (onboarding checklist templates).

/** moveItem moves list[i] by delta places; a move past either end leaves the list as it is. */
export function moveItem<T>(list: T[], i: number, delta: number): T[] {
  const j = i + delta
  if (i < 0 || i >= list.length || j < 0 || j >= list.length || delta === 0) return list
  const out = [...list]
  const [x] = out.splice(i, 1)
  out.splice(j, 0, x)
  return out
}

/** removeAt returns list without its i-th element. */
export function removeAt<T>(list: T[], i: number): T[] {
  return i < 0 || i >= list.length ? list : [...list.slice(0, i), ...list.slice(i + 1)]
}

/**
 * moveAmong moves list[i] one place up (delta -1) or down (+1) among the elements that pass keep (the
 * lines of one section), swapping it with the nearest such element; the others stay where they are.
 */
export function moveAmong<T>(list: T[], i: number, delta: -1 | 1, keep: (x: T) => boolean): T[] {
  for (let j = i + delta; j >= 0 && j < list.length; j += delta) {
    if (!keep(list[j])) continue
    const out = [...list]
    ;[out[i], out[j]] = [out[j], out[i]]
    return out
  }
  return list
}
