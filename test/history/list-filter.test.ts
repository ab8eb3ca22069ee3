/** The `ps --query` filter: what it parses to, what it matches, and how bad input is reported. */
import {describe, expect, test} from 'vitest'

import {WippyError} from '../../src/errors.js'
import {type FilterRow, matchesFilter, parseListFilter} from '../../src/history/list-filter.js'

const rows: Array<FilterRow & {name: string}> = [
  {
    entry: 'app:order',
    id: 'o-1',
    name: 'a',
    searchAttributes: {customer: 'c-1', tier: 2, vip: true},
    status: 'running',
  },
  {entry: 'app:order', id: 'o-2', name: 'b', searchAttributes: {customer: 'c-2', tier: 1}, status: 'completed'},
  {entry: 'app:refund', id: 'r-1', name: 'c', searchAttributes: {tags: ['x', 'y']}, status: 'running'},
  {entry: 'app:refund', id: 'r-2', name: 'd', status: 'failed'},
]
const names = (query: string): string[] => {
  const filter = parseListFilter(query)
  return rows.filter((r) => matchesFilter(filter, r)).map((r) => r.name)
}

function errorOf(query: string): WippyError {
  try {
    parseListFilter(query)
  } catch (error) {
    if (error instanceof WippyError) return error
    throw error
  }
  throw new Error(`parsed: ${query}`)
}

describe('parseListFilter', () => {
  test('AND binds tighter than OR; parentheses group', () => {
    expect(parseListFilter('a = 1 OR b = "x" AND c != true')).toEqual({
      kind: 'or',
      left: {key: 'a', kind: 'compare', op: '=', value: 1},
      right: {
        kind: 'and',
        left: {key: 'b', kind: 'compare', op: '=', value: 'x'},
        right: {key: 'c', kind: 'compare', op: '!=', value: true},
      },
    })
    expect(parseListFilter("(a='1' or b=-2.5) and `odd key`=3")).toEqual({
      kind: 'and',
      left: {
        kind: 'or',
        left: {key: 'a', kind: 'compare', op: '=', value: '1'},
        right: {key: 'b', kind: 'compare', op: '=', value: -2.5},
      },
      right: {key: 'odd key', kind: 'compare', op: '=', value: 3},
    })
  })

  test('matches Status (any case), WorkflowId, WorkflowType and search attributes', () => {
    expect(names('Status="running"')).toEqual(['a', 'c'])
    expect(names('ExecutionStatus="Running" AND customer="c-1"')).toEqual(['a'])
    expect(names('WorkflowType="app:refund" OR WorkflowId="o-2"')).toEqual(['b', 'c', 'd'])
    expect(names('tier=1 OR tier=2')).toEqual(['a', 'b'])
    // a number matches numbers only; a missing attribute differs from every value
    expect(names('tier="2"')).toEqual([])
    expect(names('customer!="c-1"')).toEqual(['b', 'c', 'd'])
    expect(names('vip=true')).toEqual(['a'])
    // a keyword list matches when one of its values does
    expect(names('tags="y"')).toEqual(['c'])
    expect(names('Status="running" AND (customer="c-1" OR tags="x")')).toEqual(['a', 'c'])
    expect(names('x="a\\"b"')).toEqual([])
  })

  test('bad input is a usage error with the column, a caret and a hint', () => {
    const cases: Array<[string, number, string]> = [
      ['', 1, 'the query is empty'],
      ['Status=running', 8, 'quote strings: "running"'],
      ['Status="running" AND', 21, 'expected a key'],
      ['(a=1 OR b=2', 12, 'expected ")" to close the "(" at column 1'],
      ['a=1)', 4, 'no "(" to close'],
      ['a="open', 3, 'has no closing "'],
      ['a 1', 3, 'expected = or != after "a"'],
      ['a ! 1', 3, 'expected !='],
      ['a = 1 b = 2', 7, 'expected AND, OR or the end of the query, found "b"'],
      ['a = 12x', 5, 'not a number'],
      ['a > 1', 3, 'unexpected ">"'],
    ]
    for (const [query, column, text] of cases) {
      const error = errorOf(query)
      expect(error.code).toBe('WIPPY_QUERY_INVALID')
      expect(error.kind).toBe('usage')
      expect(error.message).toContain(`column ${column}:`)
      expect(error.message).toContain(text)
      expect(error.message).toContain(`\n  ${query}\n  ${' '.repeat(column - 1)}^`)
      expect(error.hint).toContain('Status="running" AND customer="c-1"')
    }
  })
})
