/**
 * The Temporal-parity checks on options (see parity.ts): options the platform honours and
 * wippy does not implement (option-support.ts), and ones the platform parses and ignores
 * (`meta.temporal.activity.local`), where they appear literally: a function's `meta.options`,
 * `["temporal.workflow.X"]` / `["activity.X"]` keys in any Lua source, and the bare keys of a
 * `funcs` executor's `:with_options{...}` table in workflow code.
 */
import type {CheckedEntry} from './cross-check.js'
import {isLuaKind} from './kinds.js'
import {blankComments, luaLocator} from './lua-scan.js'
import {
  PLATFORM_IGNORED_ACTIVITY_OPTIONS,
  UNIMPLEMENTED_ACTIVITY_OPTIONS,
  UNIMPLEMENTED_START_OPTIONS,
} from './option-support.js'
import {bindingOf} from './temporal-bindings.js'
import type {Problem} from './types.js'

const START = new Set(UNIMPLEMENTED_START_OPTIONS)
const ACTIVITY = new Set(UNIMPLEMENTED_ACTIVITY_OPTIONS)
const ACTIVITY_PREFIX = /^(temporal\.)?activity\./
const PREFIXED_KEY_RE = /\[\s*(["'])(temporal\.workflow\.|temporal\.activity\.|activity\.)(\w+)\1\s*\]\s*=(?!=)/g
const WITH_OPTIONS_RE = /:\s*with_options\s*\(?\s*\{/g

export function checkParityOptions(valid: readonly CheckedEntry[]): Problem[] {
  const problems: Problem[] = []
  for (const {entry, locate} of valid) {
    if (!isLuaKind(entry.kind)) continue
    const yamlWarn = (problem: Omit<Problem, 'severity' | 'file' | 'line' | 'column' | 'entryId'>, path: string[]) => {
      const p = locate('meta', path)
      problems.push({
        severity: 'warning',
        ...problem,
        file: entry.file,
        line: p.line,
        column: p.column,
        entryId: entry.id,
      })
    }
    const options = entry.meta.options
    if ((entry.kind === 'function.lua' || entry.kind === 'process.lua') && isRecord(options)) {
      for (const key of Object.keys(options)) {
        const bare = key.replace(ACTIVITY_PREFIX, '')
        if (ACTIVITY.has(bare)) yamlWarn(unsupported('activity', bare, `${entry.id}'s meta.options`), ['options', key])
      }
    }
    const binding = bindingOf(entry, 'activity')
    for (const key of PLATFORM_IGNORED_ACTIVITY_OPTIONS) {
      if (binding?.[key] === undefined || binding[key] === false) continue
      yamlWarn(
        {
          code: 'WIPPY_PARITY_OPTION_IGNORED',
          message: `Entry ${entry.id} sets meta.temporal.activity.${key}, which the platform parses and then ignores: the activity runs as a regular one there, as it does here.`,
          hint: `Remove \`${key}\`; it changes nothing on either side.`,
        },
        ['temporal', 'activity', key],
      )
    }

    if (typeof entry.data.source !== 'string') continue
    const source = blankComments(entry.data.source)
    const at = luaLocator(entry, source)
    const luaWarn = (problem: Omit<Problem, 'severity' | 'entryId'>) =>
      problems.push({severity: 'warning', ...problem, entryId: entry.id})
    for (const m of source.matchAll(PREFIXED_KEY_RE)) {
      const [, , prefix = '', key = ''] = m
      const isStart = prefix === 'temporal.workflow.'
      if (!(isStart ? START : ACTIVITY).has(key)) continue
      luaWarn({...unsupported(isStart ? 'start' : 'activity', key, `${entry.id}'s Lua`), ...at(m.index)})
    }
    if (entry.kind !== 'workflow.lua') continue
    for (const m of source.matchAll(WITH_OPTIONS_RE)) {
      if (receiverOf(source, m.index).startsWith('process')) continue
      for (const {key, offset} of tableKeys(source, m.index + m[0].length - 1)) {
        // Prefixed keys were reported above, wherever they are.
        if (ACTIVITY.has(key)) luaWarn({...unsupported('activity', key, `${entry.id}'s Lua`), ...at(offset)})
      }
    }
  }
  return problems
}

function unsupported(
  kind: 'start' | 'activity',
  key: string,
  where: string,
): Pick<Problem, 'code' | 'message' | 'hint'> {
  const what = kind === 'start' ? `the workflow start option temporal.workflow.${key}` : `the activity option ${key}`
  return {
    code: 'WIPPY_PARITY_OPTION_UNSUPPORTED',
    message: `${where} sets ${what}, which the platform honours and wippy does not implement: a run here ignores it.`,
    hint: `Test what ${key} does against a Temporal server; locally the run behaves as if it were not set.`,
  }
}

/** The start of the call chain that ends at `offset` (`funcs.new()` in `funcs.new():with_options`). */
function receiverOf(source: string, offset: number): string {
  let i = offset - 1
  const closers: Record<string, string> = {')': '(', '}': '{', ']': '['}
  while (i >= 0) {
    const c = source[i] ?? ''
    if (/[\w.:]/.test(c)) i--
    else if (/\s/.test(c)) {
      // Whitespace belongs to the chain only before a `:` or `.` (`funcs.new()\n  :with_options`).
      if (!/[:.]/.test(source[i + 1] ?? '')) break
      while (i >= 0 && /\s/.test(source[i] ?? '')) i--
    } else if (closers[c]) {
      // Skip a balanced group (call arguments, a table) backwards.
      let depth = 0
      for (; i >= 0; i--) {
        const d = source[i] ?? ''
        if (closers[d]) depth++
        else if (Object.values(closers).includes(d) && --depth === 0) break
      }
      i--
    } else break
  }
  return source.slice(i + 1, offset).trimStart()
}

/** The top-level keys (`name =` or `["name"] =`) of the table literal opening at `open`. */
function tableKeys(source: string, open: number): Array<{key: string; offset: number}> {
  const keys: Array<{key: string; offset: number}> = []
  let depth = 0
  let expectKey = true
  for (let i = open; i < source.length; i++) {
    const c = source[i] ?? ''
    if (c === '"' || c === "'") {
      const end = stringEnd(source, i)
      // A `["name"] = v` key: the bracket opened depth 2.
      if (depth === 2 && expectKey && source[i - 1] === '[' && /^\s*\]\s*=(?!=)/.test(source.slice(end + 1)))
        keys.push({key: source.slice(i + 1, end), offset: i})
      i = end
      continue
    }
    if ('{(['.includes(c)) {
      depth++
      if (depth === 1) expectKey = true
      else if (!(depth === 2 && c === '[')) expectKey = false
      continue
    }
    if ('})]'.includes(c)) {
      if (--depth === 0) break
      continue
    }
    if (depth !== 1) continue
    if (c === ',' || c === ';') expectKey = true
    else if (/\s/.test(c)) continue
    else if (expectKey && /[A-Za-z_]/.test(c)) {
      const m = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(source.slice(i))
      if (m?.[1]) keys.push({key: m[1], offset: i})
      expectKey = false
      i += (m?.[1]?.length ?? 1) - 1
    } else expectKey = false
  }
  return keys
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(source: string, start: number): number {
  const quote = source[start]
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++
    else if (source[i] === quote || source[i] === '\n') return i
  }
  return source.length
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
