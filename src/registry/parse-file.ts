import type {LineCounter, Node, YAMLMap} from 'yaml'

import type {Problem} from './types.js'
import {yamlLib} from './yaml-lib.js'

/**
 * Parses one definition file into raw entries, keeping the YAML nodes so that every later
 * problem (schema, reference, interpolation) can point at the exact line:column.
 *
 * Accepted shapes (platform §1.2): `{version?, namespace, meta?, entries: [...]}` and the
 * single-entry form `{namespace, name, kind, ...fields}`. Every entry key other than
 * `name`, `kind`, `meta` and `data` is inline data; an explicit `data:` map is merged over it.
 */

export type PathKey = string | number
export interface Position {
  line: number
  column: number
}

/** An entry as written, before interpolation and validation. */
export interface RawEntry {
  namespace: string
  name: string
  kind: string
  meta: Record<string, unknown>
  data: Record<string, unknown>
  /** Project-relative YAML path. */
  file: string
  line: number
  column: number
  /** Position of a data field (`where: 'data'`) or meta field; falls back to the nearest parent. */
  locate: (where: 'data' | 'meta', path: readonly PathKey[]) => Position
}

export interface ParsedFile {
  entries: RawEntry[]
  problems: Problem[]
}

const ENTRY_RESERVED = new Set(['name', 'kind', 'meta', 'data'])
const FILE_RESERVED = new Set(['version', 'namespace', 'meta', 'entries'])
const NAMESPACE_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$/
const NAME_RE = /^[^\s:]+$/

/** Parses `text` (the content of project-relative `file`). Never throws on bad input. */
export function parseDefinitionFile(text: string, file: string): ParsedFile {
  const problems: Problem[] = []
  const problem = (
    code: `WIPPY_${string}`,
    message: string,
    hint: string,
    pos?: Position,
    severity: Problem['severity'] = 'error',
  ) => {
    problems.push({severity, code, message, hint, file, line: pos?.line ?? 1, column: pos?.column ?? 1})
  }

  if (text.slice(0, 8192).includes('\u0000')) {
    problem(
      'WIPPY_YAML_SYNTAX',
      `${file} is not a text file (it contains NUL bytes).`,
      'Rename or move binary files out of the source directories; every .yaml/.yml file there is loaded as a registry definition.',
    )
    return {entries: [], problems}
  }
  if (text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(text)) {
    problem(
      'WIPPY_YAML_EMPTY',
      `${file} is empty.`,
      'Add `namespace:` and `entries:`, or delete the file.',
      undefined,
      'warning',
    )
    return {entries: [], problems}
  }

  const {LineCounter: LineCounterClass, isMap, isSeq, parseDocument} = yamlLib()
  const lineCounter: LineCounter = new LineCounterClass()
  const doc = parseDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, {
    lineCounter,
    logLevel: 'error',
    prettyErrors: true,
    uniqueKeys: true,
  })
  if (doc.errors.length > 0) {
    for (const error of doc.errors.slice(0, 5)) {
      const pos = error.linePos?.[0]
      const tabs = /tab/i.test(error.message) || /^\t/m.test(text)
      problem(
        'WIPPY_YAML_SYNTAX',
        `Can't parse the YAML: ${firstLine(error.message)}`,
        tabs
          ? 'YAML indentation must use spaces, not tabs.'
          : 'Fix the YAML syntax at this position (check indentation, quotes and colons).',
        pos ? {line: pos.line, column: pos.col} : undefined,
      )
    }
    return {entries: [], problems}
  }

  const posOf = (node: unknown): Position | undefined => {
    const range = (node as Node | undefined)?.range
    if (!range) return undefined
    const p = lineCounter.linePos(range[0])
    return {line: p.line, column: p.col}
  }

  let js: unknown
  try {
    js = doc.toJS({maxAliasCount: 1000})
  } catch (error) {
    problem(
      'WIPPY_YAML_SYNTAX',
      `Can't read the YAML: ${firstLine((error as Error).message)}`,
      'Avoid deeply nested or excessive YAML aliases.',
    )
    return {entries: [], problems}
  }
  // `&a [*a]` makes toJS return a value that contains itself; later stages walk it recursively.
  if (containsItself(js)) {
    problem(
      'WIPPY_YAML_SYNTAX',
      `${file} has an alias that refers to the value it is part of.`,
      'An alias (*name) may only point at an anchor (&name) outside the value that contains it.',
    )
    return {entries: [], problems}
  }
  const root = doc.contents
  if (!isMap(root) || !isRecord(js)) {
    problem(
      'WIPPY_REGISTRY_INVALID',
      `${file} must be a YAML map with \`namespace\` and \`entries\`.`,
      'Start the file with `namespace: app` followed by `entries:` (a list of entries).',
      posOf(root),
    )
    return {entries: [], problems}
  }

  const namespace = js.namespace
  if (namespace === undefined || namespace === null || namespace === '') {
    problem(
      'WIPPY_REGISTRY_NO_NAMESPACE',
      `${file} has no \`namespace\`.`,
      'Add `namespace: app` (dot-separated, e.g. `app.api`) at the top of the file.',
      {line: 1, column: 1},
    )
    return {entries: [], problems}
  }
  if (typeof namespace !== 'string' || !NAMESPACE_RE.test(namespace)) {
    problem(
      'WIPPY_REGISTRY_INVALID',
      `The namespace ${JSON.stringify(namespace)} is not valid.`,
      'Namespaces are dot-separated words of letters, digits, _ and -, e.g. `app.api`.',
      posOf(doc.get('namespace', true)),
    )
    return {entries: [], problems}
  }

  const single = js.entries === undefined && (js.name !== undefined || js.kind !== undefined)
  if (single) {
    const entry = buildEntry(root, js, namespace, {}, file, posOf, problem, FILE_RESERVED)
    return {entries: entry ? [entry] : [], problems}
  }

  const fileMeta = js.meta === undefined || js.meta === null ? {} : js.meta
  if (!isRecord(fileMeta)) {
    problem(
      'WIPPY_REGISTRY_INVALID',
      'The file-level `meta` must be a map.',
      'Write `meta:` as key: value pairs, or remove it.',
      posOf(doc.get('meta', true)),
    )
    return {entries: [], problems}
  }
  const entriesNode = doc.get('entries', true)
  if (js.entries === undefined || js.entries === null) {
    problem(
      'WIPPY_REGISTRY_INVALID',
      `${file} has a namespace but no \`entries\`.`,
      'Add `entries:` with a list of `- name: ...` items, or delete the file.',
      {line: 1, column: 1},
      'warning',
    )
    return {entries: [], problems}
  }
  if (!isSeq(entriesNode) || !Array.isArray(js.entries)) {
    problem(
      'WIPPY_REGISTRY_INVALID',
      '`entries` must be a list.',
      'Write each entry as a list item starting with `- name: ...`.',
      posOf(entriesNode),
    )
    return {entries: [], problems}
  }
  const entries: RawEntry[] = []
  js.entries.forEach((item, i) => {
    const node = entriesNode.items[i]
    if (!isMap(node) || !isRecord(item)) {
      problem(
        'WIPPY_ENTRY_INVALID',
        `Entry #${i + 1} in ${file} is not a map.`,
        'Each entry is a map with at least `name` and `kind`.',
        posOf(node),
      )
      return
    }
    const entry = buildEntry(node, item, namespace, fileMeta, file, posOf, problem, new Set())
    if (entry) entries.push(entry)
  })
  return {entries, problems}
}

function buildEntry(
  node: YAMLMap,
  item: Record<string, unknown>,
  namespace: string,
  fileMeta: Record<string, unknown>,
  file: string,
  posOf: (node: unknown) => Position | undefined,
  problem: (code: `WIPPY_${string}`, message: string, hint: string, pos?: Position) => void,
  alsoReserved: ReadonlySet<string>,
): RawEntry | undefined {
  const at = posOf(node) ?? {line: 1, column: 1}
  const {name, kind} = item
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    const got = name === undefined ? 'has no `name`' : `has an invalid name ${JSON.stringify(name)}`
    problem(
      'WIPPY_ENTRY_INVALID',
      `An entry in namespace ${namespace} ${got}.`,
      'Give every entry a `name:` without spaces or colons (the ID becomes namespace:name).',
      posOf(node.get('name', true)) ?? at,
    )
    return undefined
  }
  if (typeof kind !== 'string' || kind === '') {
    problem(
      'WIPPY_ENTRY_INVALID',
      `Entry ${namespace}:${name} has no \`kind\`.`,
      'Add a `kind:` such as function.lua, workflow.lua or process.host.',
      at,
    )
    return undefined
  }
  const metaValue = item.meta ?? {}
  if (!isRecord(metaValue)) {
    problem(
      'WIPPY_ENTRY_INVALID',
      `Entry ${namespace}:${name} has a \`meta\` that is not a map.`,
      'Write `meta:` as key: value pairs.',
      posOf(node.get('meta', true)) ?? at,
    )
    return undefined
  }
  const explicit = item.data ?? {}
  if (!isRecord(explicit)) {
    problem(
      'WIPPY_ENTRY_INVALID',
      `Entry ${namespace}:${name} has a \`data\` that is not a map.`,
      'Write `data:` as key: value pairs, or put the fields inline.',
      posOf(node.get('data', true)) ?? at,
    )
    return undefined
  }
  const data: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(item)) {
    if (!ENTRY_RESERVED.has(key) && !alsoReserved.has(key)) data[key] = value
  }
  Object.assign(data, explicit)
  const dataNode = node.get('data', true)
  const metaNode = node.get('meta', true)

  const {isMap, isSeq} = yamlLib()
  // Walks down from `base` along `path` and returns the deepest node that exists.
  const deepest = (base: unknown, path: readonly PathKey[]): unknown => {
    let current = base
    for (const key of path) {
      if (!isMap(current) && !isSeq(current)) break
      const next = (current as YAMLMap).get(key, true)
      if (next === undefined) break
      current = next
    }
    return current
  }
  const locate = (where: 'data' | 'meta', path: readonly PathKey[]): Position => {
    if (where === 'meta') return posOf(deepest(metaNode, path)) ?? at
    const first = path[0]
    const base = isMap(dataNode) && first !== undefined && dataNode.has(first) ? dataNode : node
    const found = first === undefined ? node : deepest(base, path)
    // A missing field points at the entry, not at a sibling field.
    return (found === base ? undefined : posOf(found)) ?? at
  }

  return {
    namespace,
    name,
    kind,
    meta: {...fileMeta, ...metaValue},
    data,
    file,
    line: at.line,
    column: at.column,
    locate,
  }
}

/** True when an object or array reaches itself (a YAML alias inside its own anchor). */
function containsItself(value: unknown, path: Set<object> = new Set()): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (path.has(value)) return true
  path.add(value)
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : Object.values(value)
  const found = children.some((child) => containsItself(child, path))
  path.delete(value)
  return found
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The first line of a yaml error, without the position the problem already carries. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim()
}
