import {createHash} from 'node:crypto'
import {existsSync, realpathSync} from 'node:fs'
import {dirname, isAbsolute, join, relative} from 'node:path'

import {WippyError} from '../errors.js'
import {crossCheck} from './cross-check.js'
import {checkLuaReferences} from './lua-refs.js'
import type {CheckedEntry} from './cross-check.js'
import {didYouMean} from './did-you-mean.js'
import {interpolateData} from './interpolate.js'
import {KNOWN_KINDS, RUN_KINDS, isLuaKind, isRunKind, kindSchemas} from './kinds.js'
import {readSourceFiles} from './source-files.js'
import type {LoadOptions, Problem, Registry, RegistryEntry} from './types.js'

/**
 * Loads the project's registry the way the Wippy platform does (§1): source dirs from
 * `wippy.lock`, every YAML file under them, entries validated per kind, references
 * cross-checked. Never throws on bad project input: everything wrong is a {@link Problem}
 * with a file and line:column. Entries load even when invalid, so list/show still work.
 */
export async function loadRegistry(root: string, options: LoadOptions = {}): Promise<Registry> {
  const env = options.env ?? {}
  const realRoot = realpathSync.native(root)
  const rel = (abs: string) => relative(root, abs).split('\\').join('/')
  const sources = readSourceFiles(root, realRoot, options.cacheDir)
  const problems: Problem[] = [...sources.layout.problems]
  const entries = new Map<string, RegistryEntry>()
  const valid: CheckedEntry[] = []

  for (const srcDir of sources.missingDirs) {
    problems.push({
      severity: 'error',
      code: 'WIPPY_SRC_MISSING',
      message: `The source directory ${rel(srcDir) || '.'} does not exist.`,
      hint: 'Create it with an _index.yaml, or fix `directories.src` in wippy.lock.',
      ...(existsSync(join(root, 'wippy.lock')) ? {file: 'wippy.lock', line: 1, column: 1} : {}),
    })
  }
  for (const link of sources.escaped) {
    problems.push({severity: 'error', code: 'WIPPY_FILE_ESCAPES_ROOT', message: `${rel(link)} is a symlink to a file outside the project.`, hint: 'Copy the file into the project instead of linking to it.', file: rel(link), line: 1, column: 1})
  }
  for (const {abs, file, srcDir, entries: raws, problems: fileProblems} of sources.files) {
    problems.push(...fileProblems)
    const yamlDir = dirname(abs)
    for (const raw of raws) {
      const id = `${raw.namespace}:${raw.name}`
      const where = {file, line: raw.line, column: raw.column, entryId: id}
      const previous = entries.get(id)
      if (previous) {
        problems.push({
          severity: 'error',
          code: 'WIPPY_ENTRY_DUPLICATE',
          message: `Entry ${id} is declared twice: in ${previous.file}:${previous.line} and in ${file}:${raw.line}.`,
          hint: 'Rename or remove one of them; entry IDs (namespace:name) are unique across the project.',
          ...where,
        })
        continue
      }
      const kindProblem = checkKind(raw.kind, id)
      if (kindProblem) problems.push({...kindProblem, ...where})
      const interpolated = interpolateData(raw.data, {
        root,
        realRoot,
        yamlDir,
        srcRoot: srcDir,
        env,
        strictEnv: isRunKind(raw.kind),
        file,
        entryId: id,
        locate: (path) => raw.locate('data', path),
      })
      problems.push(...interpolated.problems)
      const entry: RegistryEntry = {
        id,
        namespace: raw.namespace,
        name: raw.name,
        kind: raw.kind,
        meta: raw.meta,
        data: interpolated.data,
        file,
        line: raw.line,
        column: raw.column,
        ...(interpolated.sourceFile === undefined ? {} : {sourceFile: interpolated.sourceFile}),
      }
      entries.set(id, entry)
      if (!isRunKind(raw.kind)) continue
      const result = kindSchemas[raw.kind].safeParse(entry.data, {reportInput: true})
      if (result.success) {
        if (interpolated.problems.length === 0) valid.push({entry, locate: raw.locate})
        continue
      }
      for (const issue of result.error.issues) {
        const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol')
        const field = path.join('.') || 'data'
        const pos = raw.locate('data', path)
        problems.push({
          severity: 'error',
          code: 'WIPPY_ENTRY_INVALID',
          message: `Entry ${id} (${raw.kind}): field \`${field}\` ${describeIssue(issue)}.`,
          hint: `Fix \`${field}\` of ${id}; see the ${raw.kind} fields in the Wippy docs.`,
          file,
          line: pos.line,
          column: pos.column,
          entryId: id,
        })
      }
    }
  }

  problems.push(...crossCheck(valid, entries), ...checkLuaReferences(valid, entries))
  problems.push(...(await checkLuaSyntax(valid, options, sources.cache.luaOk ?? [], sources.saveCache)))
  return {root, srcDirs: sources.layout.srcDirs, entries, problems: sortProblems(problems)}
}

/**
 * Runs the Lua syntax checker over every Lua source, skipping texts whose hash passed before
 * (the checker loads a wasm VM, so it is only loaded when some text needs checking).
 */
async function checkLuaSyntax(valid: readonly CheckedEntry[], options: LoadOptions, knownOk: readonly string[], save: (luaOk: string[]) => void): Promise<Problem[]> {
  if (!options.checkLua && !options.loadLuaChecker) {
    save([...knownOk])
    return []
  }
  const problems: Problem[] = []
  const ok = new Set(knownOk)
  const seen = new Set<string>()
  const pending: Array<{entry: RegistryEntry; source: string; hash: string}> = []
  for (const {entry} of valid) {
    const source = entry.data.source
    if (!isLuaKind(entry.kind) || typeof source !== 'string') continue
    const hash = createHash('sha1').update(source).digest('base64url')
    seen.add(hash)
    if (!ok.has(hash)) pending.push({entry, source, hash})
  }
  const check = pending.length === 0 ? undefined : (options.checkLua ?? (await options.loadLuaChecker?.()))
  if (check) {
    for (const {entry, source, hash} of pending) {
      let found: Problem | undefined
      try {
        found = check(source, entry.sourceFile ?? entry.id)
      } catch (error) {
        // A checker crash is wippy's bug, not the user's: say so, and go on with the others.
        found = {
          severity: 'warning',
          code: 'WIPPY_LUA_CHECK_FAILED',
          message: `The Lua syntax check crashed on this file: ${(error as Error).message}.`,
          hint: 'This is a bug in wippy; the file was not checked. Please report it with the file.',
        }
      }
      if (!found) {
        ok.add(hash)
        continue
      }
      // Inline sources have no file of their own: point at the entry.
      const where = entry.sourceFile ? {file: entry.sourceFile} : {file: entry.file, line: entry.line, column: entry.column}
      problems.push({...found, ...where, entryId: entry.id})
    }
  }
  save([...ok].filter((h) => seen.has(h)).sort())
  return problems
}

/** The problem (without position) for an unknown or opaque kind, if any. */
function checkKind(kind: string, id: string): Omit<Problem, 'file' | 'line' | 'column' | 'entryId'> | undefined {
  if (!KNOWN_KINDS.includes(kind)) {
    return {
      severity: 'error',
      code: 'WIPPY_KIND_UNKNOWN',
      message: `Entry ${id} has the unknown kind "${kind}".${didYouMean(kind, KNOWN_KINDS)}`,
      hint: `wippy runs ${RUN_KINDS.join(', ')}.`,
    }
  }
  if (isRunKind(kind)) return undefined
  return {
    severity: 'warning',
    code: 'WIPPY_KIND_NOT_RUN',
    message: `Entry ${id} has kind ${kind}, which is not run by wippy; it is loaded as an opaque entry.`,
    hint: `wippy runs ${RUN_KINDS.join(', ')}; other kinds need the Wippy platform.`,
  }
}

function describeIssue(issue: {code: string; message: string; input?: unknown}): string {
  // zod's default "Invalid input: expected string, received undefined" reads as "is required".
  if (issue.code === 'invalid_type' && issue.input === undefined) return /required/.test(issue.message) ? issue.message : 'is required'
  return issue.message.replace(/^Invalid input: /, 'is invalid: ')
}

/** Problems in file, line, column order (problems without a file first). */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  )
}

/**
 * Throws the first error problem as a WippyError (with a count of the others), if any.
 *
 * @throws WippyError with the problem's code when the registry has an error problem.
 */
export function assertNoErrors(registry: Registry): void {
  const errors = registry.problems.filter((p) => p.severity === 'error')
  const first = errors[0]
  if (!first) return
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}; run \`wippy lint\` to see all)` : ''
  throw new WippyError(first.code, `${first.message}${more}`, {
    hint: first.hint ?? 'Run `wippy lint` to see every problem.',
    ...(first.file === undefined ? {} : {file: first.file}),
    ...(first.line === undefined ? {} : {line: first.line}),
    ...(first.column === undefined ? {} : {column: first.column}),
  })
}

/** True when `path` (absolute) is inside `root`. */
export function isInside(root: string, path: string): boolean {
  const r = relative(root, path)
  return !r.startsWith('..') && !isAbsolute(r)
}
