import { describe, expect, it } from 'vitest'
import { moveAmong, moveItem, removeAt } from './listedit'

describe('moveItem', () => {
  const list = ['a', 'b', 'c', 'd']
  const cases: [string, number, number, string[]][] = [
    ['down one', 1, 1, ['a', 'c', 'b', 'd']],
    ['up one', 2, -1, ['a', 'c', 'b', 'd']],
    ['first up stays', 0, -1, list],
    ['last down stays', 3, 1, list],
    ['to the end', 0, 3, ['b', 'c', 'd', 'a']],
    ['out of range', 7, -1, list],
  ]
  for (const [name, i, d, want] of cases) it(name, () => expect(moveItem(list, i, d)).toEqual(want))
  it('leaves the input alone', () => {
    moveItem(list, 0, 1)
    expect(list).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('removeAt', () => {
  it('removes one', () => expect(removeAt(['a', 'b', 'c'], 1)).toEqual(['a', 'c']))
  it('ignores a bad index', () => expect(removeAt(['a'], 3)).toEqual(['a']))
})

describe('moveAmong', () => {
  const list = ['a1', 'b1', 'a2', 'b2', 'a3']
  const isA = (x: string) => x.startsWith('a')
  it('swaps with the previous line of the same section', () => expect(moveAmong(list, 2, -1, isA)).toEqual(['a2', 'b1', 'a1', 'b2', 'a3']))
  it('swaps with the next line of the same section', () => expect(moveAmong(list, 2, 1, isA)).toEqual(['a1', 'b1', 'a3', 'b2', 'a2']))
  it('stays first of its section', () => expect(moveAmong(list, 1, -1, (x) => x.startsWith('b'))).toBe(list))
  it('stays last of its section', () => expect(moveAmong(list, 4, 1, isA)).toBe(list))
})
