// Narrow is checked by the type checker (npm run check reads this file): each @ts-expect-error
// fails the check when Narrow accepts the type below it.
import { describe, expect, it } from 'vitest'
import type * as ticket from './gen/ticket'
import type { Narrow, Status } from './types'

type Go = { status: string; count: number; ref?: { id: string } }

// @ts-expect-error a field the Go type does not have: its JSON name was renamed
export type Renamed = Narrow<Go, { state: Status }>
// @ts-expect-error a field of another type than Go's
export type Retyped = Narrow<Go, { count: string }>
// @ts-expect-error the generated ticket has status, not state
export type RenamedTicket = Narrow<ticket.Ticket, { state: Status }>
export type Narrowed = Narrow<Go, { status: Status; ref: { id: string } | null }>

describe('Narrow', () => {
  it('keeps the Go fields it does not replace', () => {
    const n: Narrowed = { status: 'new', count: 2, ref: null }
    expect(n.count).toBe(2)
  })
})
