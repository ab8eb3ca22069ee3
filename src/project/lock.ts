import {existsSync, readFileSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join, resolve} from 'node:path'
import type * as Yaml from 'yaml'

// yaml is required lazily: a project without a lock (or a cached layout) never pays for it.
const requireCjs = createRequire(import.meta.url)

/** A problem reading the lock file; shaped like the registry's `Problem`. */
export interface LockProblem {
  severity: 'error' | 'warning'
  code: `WIPPY_${string}`
  message: string
  hint?: string
  file?: string
  line?: number
  column?: number
}

export interface ProjectLayout {
  /** Absolute source directories, in load order. */
  srcDirs: string[]
  /** Absolute modules directory (`directories.modules`, default `.wippy`). */
  modulesDir: string
  problems: LockProblem[]
}

export const LOCK_FILE = 'wippy.lock'

/**
 * Reads `wippy.lock` (`directories: {modules: .wippy, src: ./src}`) under `root`.
 * A missing lock means the defaults; a malformed one is a WIPPY_LOCK_INVALID problem and the
 * defaults are used so that the rest of the project can still be checked.
 */
export function readProjectLayout(root: string): ProjectLayout {
  const defaults = (): ProjectLayout => ({
    srcDirs: [resolve(root, 'src')],
    modulesDir: resolve(root, '.wippy'),
    problems: [],
  })
  const path = join(root, LOCK_FILE)
  if (!existsSync(path) || !statSync(path).isFile()) return defaults()
  const layout = defaults()
  const invalid = (message: string, line?: number, column?: number): ProjectLayout => {
    layout.problems.push({
      severity: 'error',
      code: 'WIPPY_LOCK_INVALID',
      message,
      hint: 'wippy.lock is YAML like `directories: {modules: .wippy, src: ./src}`; fix it or delete it to use the defaults.',
      file: LOCK_FILE,
      ...(line === undefined ? {} : {line, column: column ?? 1}),
    })
    return layout
  }
  const {LineCounter, parseDocument} = requireCjs('yaml') as typeof Yaml
  const lineCounter = new LineCounter()
  const text = readFileSync(path, 'utf8')
  const doc = parseDocument(text, {lineCounter, logLevel: 'error', prettyErrors: true})
  const first = doc.errors[0]
  if (first) {
    const pos = first.linePos?.[0]
    return invalid(`wippy.lock is not valid YAML: ${firstLine(first.message)}`, pos?.line, pos?.col)
  }
  let value: unknown
  try {
    value = doc.toJS({maxAliasCount: 100})
  } catch (error) {
    return invalid(`wippy.lock can't be read: ${(error as Error).message}`)
  }
  if (value === null || value === undefined) return layout
  if (typeof value !== 'object' || Array.isArray(value)) return invalid('wippy.lock must be a YAML map.', 1, 1)
  const directories = (value as Record<string, unknown>).directories
  if (directories === undefined || directories === null) return layout
  const at = (key: string) => {
    const node = doc.getIn(['directories', key], true) as {range?: [number, number, number]} | undefined
    const offset = node?.range?.[0]
    return offset === undefined ? {line: 1, col: 1} : lineCounter.linePos(offset)
  }
  if (typeof directories !== 'object' || Array.isArray(directories)) {
    const node = doc.get('directories', true) as {range?: [number]} | undefined
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : {line: 1, col: 1}
    return invalid('`directories` in wippy.lock must be a map with `src` and `modules`.', pos.line, pos.col)
  }
  const dirs = directories as Record<string, unknown>
  if (dirs.src !== undefined) {
    const list = Array.isArray(dirs.src) ? dirs.src : [dirs.src]
    if (list.length === 0 || !list.every((d) => typeof d === 'string' && d.length > 0)) {
      const pos = at('src')
      return invalid('`directories.src` in wippy.lock must be a path such as "./src".', pos.line, pos.col)
    }
    layout.srcDirs = (list as string[]).map((d) => resolve(root, d))
  }
  if (dirs.modules !== undefined) {
    if (typeof dirs.modules !== 'string' || dirs.modules === '') {
      const pos = at('modules')
      return invalid('`directories.modules` in wippy.lock must be a path such as ".wippy".', pos.line, pos.col)
    }
    layout.modulesDir = resolve(root, dirs.modules)
  }
  return layout
}

/** The first line of a yaml error, without the position the problem already carries. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim()
}
