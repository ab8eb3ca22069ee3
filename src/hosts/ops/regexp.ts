/**
 * The host side of the Lua `text.regexp` module: RE2 patterns (Go's `regexp` semantics)
 * run on re2js, a pure-JS port of RE2: matching is linear in the subject, so no pattern can
 * freeze the server the way a backtracking JS RegExp did on `^(a+)+$` (reliability-review
 * finding 6). One command op, `text.regexp` `[fn, ...args]`:
 *
 * - `compile` `[pattern]` → `{source, flags, names}`: the pattern is checked against the RE2
 *   dialect first (`re2.ts`: what RE2 refuses, and what we do not translate, is an
 *   `Invalid` error); `source` is the RE2 pattern itself (re2js reads Go's syntax natively,
 *   inline flags included, so `flags` is empty).
 * - every other fn `[source, flags, ...]` runs one Go `Regexp` method on it. Deterministic,
 *   so workflows never record it.
 *
 * Strings cross the codec as UTF-8 text; indices handed back are UTF-8 byte offsets, as in Go.
 */
import {RE2JS} from 're2js'

import type {LuaCommand, LuaDelivery, LuaErrorValue} from '../../lua/types.js'
import {translateRe2} from './re2.js'

/** One match: the whole match and each group (undefined when it took no part), and where it starts (UTF-16 index). */
type Match = Array<string | undefined> & {index: number}

interface Compiled {
  names: string[]
  pattern: string
  re: RE2JS
}

/**
 * Compiled patterns by `flags/source`. Lua code typically compiles once and matches in a
 * loop; each method call crosses the host boundary with the source, and recompiling every
 * call would dominate. Bounded so a program compiling unbounded distinct patterns cannot
 * grow memory.
 */
const CACHE = new Map<string, Compiled>()
const CACHE_MAX = 256

/** Runs one `text.regexp` command and answers it (always synchronously). */
export function executeTextCommand(cmd: LuaCommand): LuaDelivery {
  try {
    const [fn, ...args] = cmd.args
    return {kind: 'result', tag: cmd.tag, value: dispatch(String(fn), args)}
  } catch (error) {
    const e: LuaErrorValue =
      error instanceof TextFailure
        ? {kind: 'Invalid', message: error.message, retryable: false}
        : {kind: 'Internal', message: error instanceof Error ? error.message : String(error), retryable: false}
    return {error: e, kind: 'result', tag: cmd.tag}
  }
}

/** An error meant for the Lua caller (kind `Invalid`). */
class TextFailure extends Error {}

function dispatch(fn: string, args: unknown[]): unknown {
  if (fn === 'compile') {
    const pattern = String(args[0] ?? '')
    const t = translateRe2(pattern)
    if ('error' in t) throw new TextFailure(`error parsing regexp: ${t.error}`)
    const c = compiled(pattern, '')
    return {flags: '', names: c.names, source: pattern}
  }
  const c = compiled(String(args[0]), String(args[1] ?? ''))
  const s = String(args[2] ?? '')
  const n = args[3] === undefined || args[3] === null ? -1 : Math.trunc(Number(args[3]))
  switch (fn) {
    case 'match': {
      return c.re.test(s)
    }
    case 'find': {
      const m = allMatches(c, s, 1)[0]
      return m ? m[0] : null
    }
    case 'find_all': {
      return allMatches(c, s, n).map((m) => m[0])
    }
    case 'find_submatch': {
      const m = allMatches(c, s, 1)[0]
      return m ? groups(m) : null
    }
    case 'find_all_submatch': {
      return allMatches(c, s, n).map(groups)
    }
    case 'find_index': {
      const m = allMatches(c, s, 1)[0]
      return m ? byteBounds(s, m) : null
    }
    case 'find_all_index': {
      const all = allMatches(c, s, n)
      return all.length > 0 ? all.map((m) => byteBounds(s, m)) : null
    }
    case 'replace_all': {
      return replaceAll(c, s, String(args[3] ?? ''), false)
    }
    case 'replace_all_literal': {
      return replaceAll(c, s, String(args[3] ?? ''), true)
    }
    case 'split': {
      return split(c, s, n)
    }
    default: {
      throw new Error(`unknown text.regexp function ${fn}`)
    }
  }
}

/**
 * Compiles an RE2 pattern. `flags` is what older compiled handles carried (JS flags of a
 * translated source): leading inline flags say the same to re2js.
 */
function compiled(source: string, flags: string): Compiled {
  const key = `${flags}/${source}`
  const hit = CACHE.get(key)
  if (hit) return hit
  let re: RE2JS
  try {
    re = RE2JS.compile(flags ? `(?${flags})${source}` : source)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new TextFailure(message.startsWith('error parsing regexp') ? message : `error parsing regexp: ${message}`)
  }
  const names = Array.from({length: re.groupCount() + 1}, () => '')
  for (const [name, index] of Object.entries(re.namedGroups())) names[index] = name
  const c = {names, pattern: source, re}
  if (CACHE.size >= CACHE_MAX) CACHE.delete(CACHE.keys().next().value!)
  CACHE.set(key, c)
  return c
}

/** A search over one subject: the first match starting at or after `pos` (a UTF-16 index), or null. */
function searcher(c: Compiled, s: string): (pos: number) => Match | null {
  const matcher = c.re.matcher(s)
  const count = c.names.length
  return (pos) => {
    if (!matcher.find(pos)) return null
    const m = [] as unknown as Match
    for (let g = 0; g < count; g++) m.push(matcher.group(g) ?? undefined)
    m.index = matcher.start()
    return m
  }
}

/**
 * Go's `allMatches`: up to `n` matches (all when `n < 0`), scanning left to right; an empty
 * match right after the previous match is skipped, and after an empty match the scan moves
 * on one character.
 */
function allMatches(c: Compiled, s: string, n: number): Match[] {
  const out: Match[] = []
  const limit = n < 0 ? Number.POSITIVE_INFINITY : n
  const search = searcher(c, s)
  let pos = 0
  let prevEnd = -1
  while (out.length < limit && pos <= s.length) {
    const m = search(pos)
    if (!m) break
    const start = m.index
    const end = start + m[0]!.length
    let accept = true
    if (end === start) {
      if (start === prevEnd) accept = false
      pos = end + charWidth(s, end)
    } else {
      pos = end
    }
    prevEnd = end
    if (accept) out.push(m)
  }
  return out
}

/** UTF-16 units of the code point at `i` (1 past the end, so the scan stops). */
function charWidth(s: string, i: number): number {
  const cp = s.codePointAt(i)
  return cp !== undefined && cp > 0xff_ff ? 2 : 1
}

function groups(m: Match): string[] {
  // Go gives "" for a group that did not take part in the match.
  return [...m].map((g) => g ?? '')
}

const encoder = new TextEncoder()
function byteLength(s: string): number {
  return encoder.encode(s).length
}

/** 1-based start and inclusive end, in UTF-8 bytes (so `s:sub(a, b)` is the match). */
function byteBounds(s: string, m: Match): number[] {
  const start = byteLength(s.slice(0, m.index))
  return [start + 1, start + byteLength(m[0]!)]
}

/** Go's `ReplaceAllString`: one replacement per match, never twice at the same spot. */
function replaceAll(c: Compiled, s: string, repl: string, literal: boolean): string {
  let out = ''
  let lastEnd = 0
  let pos = 0
  const search = searcher(c, s)
  while (pos <= s.length) {
    const m = search(pos)
    if (!m) break
    const start = m.index
    const end = start + m[0]!.length
    out += s.slice(lastEnd, start)
    if (end > lastEnd || start === 0) out += literal ? repl : expand(repl, m, c.names)
    lastEnd = end
    const width = charWidth(s, pos)
    pos = pos + width > end ? pos + width : Math.max(end, pos + 1)
  }
  return out + s.slice(lastEnd)
}

/** Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to "". */
function expand(template: string, m: Match, names: string[]): string {
  let out = ''
  let i = 0
  while (i < template.length) {
    const d = template.indexOf('$', i)
    if (d < 0) break
    out += template.slice(i, d)
    i = d + 1
    if (template[i] === '$') {
      out += '$'
      i++
      continue
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(template.slice(i))
    if (!ref) {
      out += '$'
      continue
    }
    i += ref[0].length
    const name = ref[1] ?? ref[2]!
    let idx = -1
    if (/^\d+$/.test(name)) {
      const num = Number(name)
      if (num < 1e8) idx = num
    } else {
      idx = names.indexOf(name)
    }
    if (idx >= 0 && idx < m.length) out += m[idx] ?? ''
  }
  return out + template.slice(i)
}

/** Go's `Regexp.Split`: `n < 0` all parts, `n == 0` none, `n > 0` at most `n` (the last is the rest). */
function split(c: Compiled, s: string, n: number): string[] {
  if (n === 0) return []
  if (c.pattern !== '' && s === '') return ['']
  const parts: string[] = []
  let beg = 0
  let end = 0
  for (const m of allMatches(c, s, n)) {
    if (n > 0 && parts.length === n - 1) break
    end = m.index
    const mEnd = m.index + m[0]!.length
    if (mEnd !== 0) parts.push(s.slice(beg, end))
    beg = mEnd
  }
  if (end !== s.length) parts.push(s.slice(beg))
  return parts
}
