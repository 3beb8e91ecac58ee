import { describe, expect, it } from 'vitest'
import { chord, KeyMap, keyLabel, typing, type Binding } from './shortcuts'

function map(now: { t: number }) {
  const ran: string[] = []
  const km = new KeyMap(1000, () => now.t)
  const b = (keys: string, extra: Partial<Binding> = {}): Binding => ({
    keys,
    description: keys,
    run: () => ran.push(keys),
    ...extra,
  })
  return { km, ran, b }
}

const input = { tagName: 'INPUT', type: 'text' }

describe('chord', () => {
  const cases: [string, Parameters<typeof chord>[0], string][] = [
    ['letter', { key: 'j' }, 'j'],
    ['capital letter is shift', { key: 'G', shiftKey: true }, 'shift+g'],
    ['question mark keeps its shift to itself', { key: '?', shiftKey: true }, '?'],
    ['named key', { key: 'Enter' }, 'enter'],
    ['ctrl enter', { key: 'Enter', ctrlKey: true }, 'ctrl+enter'],
    ['space', { key: ' ' }, 'space'],
  ]
  for (const [name, e, want] of cases) it(name, () => expect(chord(e)).toBe(want))
})

describe('typing', () => {
  it('knows text fields from other elements', () => {
    expect(typing(input)).toBe(true)
    expect(typing({ tagName: 'TEXTAREA' })).toBe(true)
    expect(typing({ tagName: 'DIV', isContentEditable: true })).toBe(true)
    expect(typing({ tagName: 'INPUT', type: 'checkbox' })).toBe(false)
    expect(typing({ tagName: 'BUTTON' })).toBe(false)
    expect(typing(null)).toBe(false)
  })
})

describe('KeyMap', () => {
  it('runs a single-key binding', () => {
    const now = { t: 0 }
    const { km, ran, b } = map(now)
    km.add([b('j'), b('?')])
    expect(km.handle({ key: 'j' })).not.toBeNull()
    expect(km.handle({ key: '?', shiftKey: true })).not.toBeNull()
    expect(ran).toEqual(['j', '?'])
  })

  it('runs a sequence typed in time', () => {
    const now = { t: 0 }
    const { km, ran, b } = map(now)
    km.add([b('g q')])
    expect(km.handle({ key: 'g' })).toBe('pending')
    expect(km.pendingKeys()).toBe('g')
    now.t = 500
    km.handle({ key: 'q' })
    expect(ran).toEqual(['g q'])
    expect(km.pendingKeys()).toBe('')
  })

  it('drops a sequence started too long ago and reads the key alone', () => {
    const now = { t: 0 }
    const { km, ran, b } = map(now)
    km.add([b('g q'), b('q')])
    km.handle({ key: 'g' })
    now.t = 5000
    km.handle({ key: 'q' })
    expect(ran).toEqual(['q'])
  })

  it('falls back to the single key when a sequence does not continue', () => {
    const now = { t: 0 }
    const { km, ran, b } = map(now)
    km.add([b('g q'), b('j')])
    km.handle({ key: 'g' })
    km.handle({ key: 'j' })
    expect(ran).toEqual(['j'])
  })

  it('leaves keys typed into a text field alone unless the binding allows it', () => {
    const now = { t: 0 }
    const { km, ran, b } = map(now)
    km.add([b('n'), b('ctrl+enter', { inInputs: true })])
    expect(km.handle({ key: 'n', target: input })).toBeNull()
    km.handle({ key: 'Enter', ctrlKey: true, target: input })
    expect(ran).toEqual(['ctrl+enter'])
  })

  it('lets the top layer win and removes it again', () => {
    const now = { t: 0 }
    const { km, ran } = map(now)
    km.add([{ keys: 'a', description: 'global', run: () => ran.push('global') }])
    const off = km.add([{ keys: 'a', description: 'screen', run: () => ran.push('screen') }])
    km.handle({ key: 'a' })
    off()
    km.handle({ key: 'a' })
    expect(ran).toEqual(['screen', 'global'])
    expect(km.bindings().map((x) => x.description)).toEqual(['global'])
  })

  it('ignores modifier keys pressed on their own', () => {
    const { km, b } = map({ t: 0 })
    km.add([b('g q')])
    km.handle({ key: 'g' })
    expect(km.handle({ key: 'Shift', shiftKey: true })).toBeNull()
    expect(km.pendingKeys()).toBe('g')
  })
})

describe('keyLabel', () => {
  it('names keys for people', () => {
    expect(keyLabel('arrowdown')).toBe('↓')
    expect(keyLabel('shift+x')).toBe('Shift+X')
    expect(keyLabel('ctrl+enter')).toBe('Ctrl+Enter')
    expect(keyLabel('j')).toBe('j')
  })
})
