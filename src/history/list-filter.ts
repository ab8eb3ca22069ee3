/**
 * `wippy ps --query '<filter>'`: a small list filter in the spirit of Temporal's visibility
 * queries (`ExecutionStatus="Running" AND CustomerId="c-1"`), evaluated on `ps` rows, so the
 * engine's list and the history files' list filter the same way.
 *
 * Grammar (keywords case-insensitive):
 *
 *     filter     := or
 *     or         := and ("OR" and)*
 *     and        := operand ("AND" operand)*
 *     operand    := "(" or ")" | key ("=" | "!=") literal
 *     key        := identifier (letters, digits, _ . -) | `back-quoted`
 *     literal    := "string" | 'string' | number | true | false
 *
 * Keys: `Status` (alias `ExecutionStatus`, compared case-insensitively: "Running" matches
 * running), `WorkflowId`, `WorkflowType` (the entry), and any search attribute key. A run
 * without that attribute never equals a value and always differs from one (`!=` matches it).
 *
 * Pure (no Node imports beyond the error type): unit-tested on its own.
 */
import {WippyError} from '../errors.js'

export type FilterValue = boolean | number | string

export type ListFilter =
  | {kind: 'and' | 'or'; left: ListFilter; right: ListFilter}
  | {key: string; kind: 'compare'; op: '!=' | '='; value: FilterValue}

/** What a filter reads of a row (a `ps` row has all of these). */
export interface FilterRow {
  entry: string
  id: string
  searchAttributes?: Record<string, unknown>
  status: string
}

const HINT =
  'Compare a key with a value, e.g. Status="running" AND customer="c-1"; join with AND / OR, group with parentheses. Keys: Status, WorkflowId, WorkflowType or a search attribute.'

type Token =
  | {at: number; kind: 'and' | 'or' | '(' | ')' | 'end'}
  | {at: number; kind: 'op'; op: '!=' | '='}
  | {at: number; kind: 'key'; text: string}
  | {at: number; kind: 'value'; value: FilterValue}

/**
 * Parses a filter.
 * @throws WippyError WIPPY_QUERY_INVALID (a usage error) naming the column and what was expected
 */
export function parseListFilter(source: string): ListFilter {
  const tokens = tokenize(source)
  let i = 0
  const peek = (): Token => tokens[i]!
  const fail = (token: Token, message: string): never => {
    throw queryError(source, token.at, message)
  }
  const describe = (t: Token): string =>
    t.kind === 'end'
      ? 'the end of the query'
      : t.kind === 'key'
        ? `"${t.text}"`
        : t.kind === 'value'
          ? JSON.stringify(t.value)
          : t.kind === 'op'
            ? `"${t.op}"`
            : `"${t.kind.toUpperCase()}"`

  const operand = (): ListFilter => {
    const t = peek()
    if (t.kind === '(') {
      i++
      const inner = or()
      const close = peek()
      if (close.kind !== ')')
        fail(close, `expected ")" to close the "(" at column ${t.at + 1}, found ${describe(close)}`)
      i++
      return inner
    }
    if (t.kind !== 'key')
      return fail(t, `expected a key (Status, WorkflowId, WorkflowType or a search attribute), found ${describe(t)}`)
    i++
    const op = peek()
    if (op.kind !== 'op') return fail(op, `expected = or != after "${t.text}", found ${describe(op)}`)
    i++
    const value = peek()
    if (value.kind !== 'value')
      return fail(
        value,
        `expected a value (a "string", a number, true or false) after ${op.op}, found ${describe(value)}${value.kind === 'key' ? ` (quote strings: "${value.text}")` : ''}`,
      )
    i++
    return {key: t.text, kind: 'compare', op: op.op, value: value.value}
  }
  const and = (): ListFilter => {
    let left = operand()
    while (peek().kind === 'and') {
      i++
      left = {kind: 'and', left, right: operand()}
    }
    return left
  }
  const or = (): ListFilter => {
    let left = and()
    while (peek().kind === 'or') {
      i++
      left = {kind: 'or', left, right: and()}
    }
    return left
  }

  if (peek().kind === 'end') fail(peek(), 'the query is empty')
  const filter = or()
  const rest = peek()
  if (rest.kind !== 'end')
    fail(
      rest,
      `expected AND, OR or the end of the query, found ${describe(rest)}${rest.kind === ')' ? ' (no "(" to close)' : ''}`,
    )
  return filter
}

/** Whether a row matches the filter. */
export function matchesFilter(filter: ListFilter, row: FilterRow): boolean {
  switch (filter.kind) {
    case 'and': {
      return matchesFilter(filter.left, row) && matchesFilter(filter.right, row)
    }
    case 'or': {
      return matchesFilter(filter.left, row) || matchesFilter(filter.right, row)
    }
    case 'compare': {
      const equal = valueEquals(filter.key, filter.value, row)
      return filter.op === '=' ? equal : !equal
    }
  }
}

function valueEquals(key: string, value: FilterValue, row: FilterRow): boolean {
  switch (key) {
    case 'Status':
    case 'ExecutionStatus': {
      return typeof value === 'string' && row.status.toLowerCase() === value.toLowerCase()
    }
    case 'WorkflowId': {
      return row.id === value
    }
    case 'WorkflowType': {
      return row.entry === value
    }
    default: {
      const attrs = row.searchAttributes
      if (!attrs || !Object.hasOwn(attrs, key)) return false
      const v = attrs[key]
      // A keyword list (Temporal's KeywordList) matches when one of its values does.
      return Array.isArray(v) ? v.some((x) => scalarEquals(x, value)) : scalarEquals(v, value)
    }
  }
}

function scalarEquals(v: unknown, value: FilterValue): boolean {
  if (typeof value === 'number') return (typeof v === 'number' || typeof v === 'bigint') && Number(v) === value
  return v === value
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const at = i
    if (c === '(' || c === ')') {
      tokens.push({at, kind: c})
      i++
    } else if (c === '=') {
      tokens.push({at, kind: 'op', op: '='})
      i += source[i + 1] === '=' ? 2 : 1
    } else if (c === '!') {
      if (source[i + 1] !== '=') throw queryError(source, at, 'expected != ("!" alone is no operator)')
      tokens.push({at, kind: 'op', op: '!='})
      i += 2
    } else if (c === '"' || c === "'") {
      let text = ''
      i++
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\' && i + 1 < source.length) i++
        text += source[i]
        i++
      }
      if (i >= source.length) throw queryError(source, at, `the string starting here has no closing ${c}`)
      i++
      tokens.push({at, kind: 'value', value: text})
    } else if (c === '`') {
      const end = source.indexOf('`', i + 1)
      if (end < 0) throw queryError(source, at, 'the key starting here has no closing `')
      tokens.push({at, kind: 'key', text: source.slice(i + 1, end)})
      i = end + 1
    } else if (/[-+\d.]/.test(c)) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(source.slice(i))
      if (!m || /[\w.]/.test(source[i + m[0].length] ?? '')) throw queryError(source, at, 'not a number')
      tokens.push({at, kind: 'value', value: Number(m[0])})
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[\w.-]+/.exec(source.slice(i))![0]
      const lower = word.toLowerCase()
      if (lower === 'and' || lower === 'or') tokens.push({at, kind: lower})
      else if (lower === 'true' || lower === 'false') tokens.push({at, kind: 'value', value: lower === 'true'})
      else tokens.push({at, kind: 'key', text: word})
      i += word.length
    } else {
      throw queryError(source, at, `unexpected "${c}"`)
    }
  }
  tokens.push({at: source.length, kind: 'end'})
  return tokens
}

/** The error, with the query and a caret under the column. */
function queryError(source: string, at: number, message: string): WippyError {
  return new WippyError(
    'WIPPY_QUERY_INVALID',
    `Bad --query at column ${at + 1}: ${message}.\n  ${source}\n  ${' '.repeat(at)}^`,
    {hint: HINT, kind: 'usage'},
  )
}
