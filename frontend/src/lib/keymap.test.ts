import { describe, expect, it } from 'vitest'
import { bind, globalKeys, navigation, overlayKeys, screenKeys, type Layer } from './keymap'
import { KeyMap } from './shortcuts'

const global: Layer[] = [globalKeys, navigation()]
const screenLayers: Layer[] = Object.values(screenKeys)
const all: Layer[] = [...global, overlayKeys, ...screenLayers]
const keysOf = (l: Layer) => Object.values(l.keys).map((k) => k.keys)

/** clashes lists where a screen takes a global key or starts a sequence with one ("g" before "g q"). */
function clashes(screens: Layer[]): string[] {
  const owned = global.flatMap(keysOf)
  const out: string[] = []
  for (const s of screens)
    for (const k of keysOf(s))
      for (const g of owned)
        if (k === g || g.startsWith(k + ' ') || k.startsWith(g + ' ')) out.push(`${s.group} ${k} / global ${g}`)
  return out
}

/** shared lists every key that makes something and is bound on another layer too. */
function shared(layers: Layer[]): string[] {
  const out: string[] = []
  for (const l of layers)
    for (const spec of Object.values(l.keys))
      if (spec.creates)
        for (const other of layers)
          if (other !== l && keysOf(other).includes(spec.keys)) out.push(`${spec.keys}: ${l.group} "${spec.description}" and ${other.group}`)
  return out
}

describe('the shortcut map', () => {
  it('gives no screen a global key', () => {
    expect(clashes(screenLayers)).toEqual([])
  })

  it('finds a screen that rebinds a global key', () => {
    const coaching = { group: 'Coaching', keys: { note: { keys: 'n', description: 'New one-on-one note' } } }
    const prefix = { group: 'Queue', keys: { go: { keys: 'g', description: 'Go' } } }
    expect(clashes([coaching])).toEqual(['Coaching n / global n'])
    expect(clashes([prefix])).toContain('Queue g / global g q')
  })

  it('binds each key that creates something on one layer only', () => {
    expect(shared(all)).toEqual([])
    const technicians = { group: 'Technicians', keys: { add: { keys: 'n', description: 'New technician', creates: true } } }
    expect(shared([globalKeys, technicians])).toHaveLength(2)
  })

  it('binds no key twice on a layer', () => {
    for (const l of all) expect(new Set(keysOf(l)).size, l.group).toBe(keysOf(l).length)
  })

  it('navigates to each screen with a shortcut', () => {
    const nav = navigation([
      { id: 'queue', label: 'Queue', order: 1, nav: true, shortcut: 'g q', load: async () => ({ default: null as never }) },
      { id: 'ticket', label: 'Ticket', order: 2, nav: false, load: async () => ({ default: null as never }) },
    ])
    expect(Object.values(nav.keys)).toEqual([{ keys: 'g q', description: 'Go to Queue' }])
  })

  it('runs the action bound to each entry, under the layer group', () => {
    const ran: string[] = []
    const km = new KeyMap()
    km.add(bind(screenKeys.coaching, { note: () => ran.push('note'), action: () => ran.push('action'), goal: () => ran.push('goal'), next: () => {}, previous: () => {} }))
    km.handle({ key: 'o' })
    km.handle({ key: 'i' })
    expect(ran).toEqual(['note', 'action'])
    expect(km.bindings().every((b) => b.group === 'Coaching')).toBe(true)
  })
})
