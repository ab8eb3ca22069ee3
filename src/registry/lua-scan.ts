/**
 * Small text helpers for the lint checks that read Lua sources (lua-refs.ts, parity-lua.ts):
 * comments blanked out keeping offsets, offsets turned into file:line:column, and the calls
 * that name an entry literally. A regex scan, not a parser: it finds the common spellings and
 * leaves the rest to run time, which is why what it finds is only ever a warning.
 */
import type {RegistryEntry} from './types.js'

/** Where a problem in a Lua source points. */
export interface LuaSpot {
  file: string
  line: number
  column: number
}

/** A call naming an entry (and maybe a host) with string literals. */
export interface LiteralCall {
  /** `funcs.call`, `process.spawn_monitored`, `:call`, `:spawn`... */
  fn: string
  target: string
  targetOffset: number
  host?: string
  hostOffset?: number
}

const LITERAL = String.raw`(["'])([^"'\n]*)`
// Module calls: `funcs.call("ns:name", ...)`, `process.spawn("ns:name", "host", ...)`...
const CALL_RE = new RegExp(
  String.raw`\b(funcs\.(?:call|async)|process\.(?:spawn(?:_linked_monitored|_monitored|_linked)?|exec)|workflow\.exec)\s*\(\s*${LITERAL}\2(?:\s*,\s*${LITERAL}\4)?`,
  'g',
)
// Builder calls: `funcs.new():call("ns:name")`, `process.with_options{...}:spawn("ns:name", "host")`.
const METHOD_RE = new RegExp(
  String.raw`:\s*(call|async|spawn(?:_linked_monitored|_monitored|_linked)?|exec)\s*\(\s*${LITERAL}\2(?:\s*,\s*${LITERAL}\4)?`,
  'g',
)

/** Module calls (`funcs.call(...)`, `process.spawn(...)`, `workflow.exec(...)`) with a literal entry ID. */
export function moduleCalls(source: string): LiteralCall[] {
  return literalCalls(source, CALL_RE, '')
}

/** Builder method calls (`:call(...)`, `:async(...)`, `:spawn*(...)`, `:exec(...)`) with a literal entry ID. */
export function methodCalls(source: string): LiteralCall[] {
  return literalCalls(source, METHOD_RE, ':')
}

function literalCalls(source: string, re: RegExp, prefix: string): LiteralCall[] {
  const out: LiteralCall[] = []
  for (const m of source.matchAll(re)) {
    const [whole, fn = '', , target = '', , host] = m
    const start = m.index ?? 0
    const targetOffset = start + whole.indexOf(target, whole.indexOf(fn) + fn.length)
    out.push({
      fn: `${prefix}${fn}`,
      target,
      targetOffset,
      ...(host === undefined ? {} : {host, hostOffset: start + whole.lastIndexOf(host)}),
    })
  }
  return out
}

/** Replaces Lua comments with spaces (keeping offsets and newlines) so calls in comments are skipped. */
export function blankComments(text: string): string {
  return text.replace(/--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '))
}

/**
 * Maps an offset in `entry`'s Lua source to a file position. An inline source has no file of
 * its own: every offset points at the entry in its YAML file.
 */
export function luaLocator(entry: RegistryEntry, source: string): (offset: number) => LuaSpot {
  const lineStarts = [0]
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1)
  return (offset) => {
    if (!entry.sourceFile) return {file: entry.file, line: entry.line, column: entry.column}
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return {file: entry.sourceFile, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1}
  }
}
