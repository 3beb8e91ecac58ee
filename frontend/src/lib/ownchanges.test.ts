import { describe, expect, it } from 'vitest'
import { OwnChanges } from './ownchanges'

describe('OwnChanges', () => {
  it('counts a change as the screen’s own while its call runs and shortly after, not later', async () => {
    let clock = 1000
    const own = new OwnChanges(1500, () => clock)
    expect(own.mine()).toBe(false)
    let release = () => {}
    const pending = own.track(() => new Promise<string>((done) => (release = () => done('ticket'))))
    clock += 5000
    expect(own.mine()).toBe(true) // still running, however long it takes
    release()
    expect(await pending).toBe('ticket')
    clock += 1000
    expect(own.mine()).toBe(true)
    clock += 600
    expect(own.mine()).toBe(false) // another tab's change, later: fetch it
  })

  it('ends a failed call too', async () => {
    let clock = 0
    const own = new OwnChanges(100, () => clock)
    await expect(own.track(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    clock += 200
    expect(own.mine()).toBe(false)
  })
})
