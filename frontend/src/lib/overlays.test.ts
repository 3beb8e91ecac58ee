import { describe, expect, it } from 'vitest'
import { Overlays } from './overlays'

describe('Overlays', () => {
  it('closes the overlay opened last, then the one under it', () => {
    const o = new Overlays()
    const closed: string[] = []
    const offs: Record<string, () => void> = {}
    const open = (name: string) => (offs[name] = o.push(() => (closed.push(name), offs[name]())))
    open('new ticket')
    open('help')
    expect(o.open).toBe(true)
    expect(o.closeTop()).toBe(true)
    expect(closed).toEqual(['help'])
    expect(o.closeTop()).toBe(true)
    expect(closed).toEqual(['help', 'new ticket'])
    expect(o.open).toBe(false)
    expect(o.closeTop()).toBe(false)
  })

  it('forgets an overlay that closed by other means', () => {
    const o = new Overlays()
    const closed: string[] = []
    o.push(() => closed.push('merge'))
    const off = o.push(() => closed.push('escalate'))
    off()
    o.closeTop()
    expect(closed).toEqual(['merge'])
  })
})
