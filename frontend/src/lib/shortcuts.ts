// Keyboard shortcuts: single keys ("j", "?"), sequences ("g q") and modified keys ("ctrl+enter").
// A KeyMap holds layers of bindings (the app's global ones, then the current screen's); the most
// recently added layer wins. Keys typed into a text field are left alone, except bindings marked
// inInputs (e.g. Escape, ctrl+enter).

export interface Binding {
  /** Space-separated sequence of keys, e.g. "g q", "?", "shift+a", "ctrl+enter". */
  keys: string
  description: string
  group?: string
  inInputs?: boolean
  /** left out of the help overlay (an alias of a listed binding) */
  hidden?: boolean
  run: (e: KeyLike) => void
}

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
  shiftKey?: boolean
  target?: unknown
}

/** chord names one key press the way bindings spell it: "a", "?", "enter", "ctrl+k", "shift+tab". */
export function chord(e: KeyLike): string {
  let k = e.key.length === 1 ? e.key.toLowerCase() : e.key.toLowerCase()
  if (k === ' ') k = 'space'
  if (k === 'esc') k = 'escape'
  const mods: string[] = []
  if (e.ctrlKey) mods.push('ctrl')
  if (e.metaKey) mods.push('meta')
  if (e.altKey) mods.push('alt')
  // Shift is part of printable characters already ("?" or "A"); name it only for named keys and letters.
  if (e.shiftKey && (e.key.length > 1 || /^[a-z]$/i.test(e.key))) mods.push('shift')
  return [...mods, k].join('+')
}

/** typing reports whether a key event comes from a place the user types text into. */
export function typing(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string }
  if (el.isContentEditable) return true
  const tag = (el.tagName ?? '').toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') {
    const t = (el.type ?? 'text').toLowerCase()
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(t)
  }
  return false
}

export class KeyMap {
  private layers: Binding[][] = []
  private pending: string[] = []
  private pendingAt = 0

  constructor(
    private readonly sequenceMs = 1200,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** add puts a layer of bindings on top and returns a function that removes it. */
  add(bindings: Binding[]): () => void {
    const layer = bindings
    this.layers.push(layer)
    return () => {
      this.layers = this.layers.filter((l) => l !== layer)
    }
  }

  /** bindings lists what is active, top layer first, each sequence once. */
  bindings(): Binding[] {
    const seen = new Set<string>()
    const out: Binding[] = []
    for (let i = this.layers.length - 1; i >= 0; i--)
      for (const b of this.layers[i])
        if (!seen.has(b.keys)) {
          seen.add(b.keys)
          out.push(b)
        }
    return out
  }

  /** pendingKeys is the start of a sequence typed so far ("g"), for a hint in the UI. */
  pendingKeys(): string {
    return this.pending.join(' ')
  }

  /**
   * handle feeds one key press. It returns the binding it ran, "pending" when the key started a
   * sequence, or null when the key means nothing here (the caller lets it through).
   */
  handle(e: KeyLike): Binding | 'pending' | null {
    const c = chord(e)
    if (['shift', 'control', 'alt', 'meta'].includes(c.split('+').pop() ?? '')) return null
    const inInput = typing(e.target)
    if (this.pending.length && this.now() - this.pendingAt > this.sequenceMs) this.pending = []
    const seq = [...this.pending, c].join(' ')
    const active = this.bindings().filter((b) => !inInput || b.inInputs)
    const exact = active.find((b) => b.keys === seq)
    if (exact) {
      this.pending = []
      exact.run(e)
      return exact
    }
    if (active.some((b) => b.keys.startsWith(seq + ' '))) {
      this.pending = [...this.pending, c]
      this.pendingAt = this.now()
      return 'pending'
    }
    this.pending = []
    // The key did not continue a sequence: try it on its own.
    if (seq !== c) return this.handle(e)
    return null
  }
}

/** keyLabel is how a key reads in the help: "arrowdown" -> "↓", "shift+x" -> "Shift+X", "escape" -> "Esc". */
export function keyLabel(key: string): string {
  const names: Record<string, string> = {
    arrowdown: '↓',
    arrowup: '↑',
    arrowleft: '←',
    arrowright: '→',
    enter: 'Enter',
    escape: 'Esc',
    ctrl: 'Ctrl',
    shift: 'Shift',
    alt: 'Alt',
    meta: 'Meta',
    space: 'Space',
  }
  return key
    .split('+')
    .map((p) => names[p] ?? (p.length === 1 && key.includes('+') ? p.toUpperCase() : p))
    .join('+')
}
