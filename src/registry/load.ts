import {existsSync, realpathSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve} from 'node:path'

import {WippyError} from '../errors.js'
import {crossCheck} from './cross-check.js'
import {checkLuaReferences} from './lua-refs.js'
import {editDistance} from './did-you-mean.js'
import {interpolateData} from './interpolate.js'
import {KNOWN_KINDS, RUN_KINDS, isRunKind} from './kinds.js'
import {checkLuaSources} from './lua-check.js'
import {checkTemporalParity} from './parity.js'
import {readSourceFiles} from './source-files.js'
import type {LoadOptions, Problem, Registry, RegistryEntry} from './types.js'
import {validateEntries} from './validate.js'
import type {PendingEntry} from './validate.js'

/**
 * Loads the project's registry the way the Wippy platform does (§1): source dirs from
 * `wippy.lock`, every YAML file under them, entries validated per kind, references
 * cross-checked. Never throws on bad project input: everything wrong is a {@link Problem}
 * with a file and line:column. Entries load even when invalid, so list/show still work.
 */
export async function loadRegistry(projectRoot: string, options: LoadOptions = {}): Promise<Registry> {
  // Absolute and normalised (no trailing slash): later checks compare path prefixes.
  const root = resolve(projectRoot)
  const env = options.env ?? {}
  const realRoot = realpathSync.native(root)
  const rel = (abs: string) => relative(root, abs).split('\\').join('/')
  const sources = readSourceFiles(root, realRoot, options.cacheDir)
  const problems: Problem[] = [...sources.layout.problems]
  const entries = new Map<string, RegistryEntry>()
  const pending: PendingEntry[] = []
  const invalidAfterInterpolation: PendingEntry[] = []

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
    problems.push({
      severity: 'error',
      code: 'WIPPY_FILE_ESCAPES_ROOT',
      message: `${rel(link)} is a symlink to a file outside the project.`,
      hint: 'Copy the file into the project instead of linking to it.',
      file: rel(link),
      line: 1,
      column: 1,
    })
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
        plainFiles: sources.plainFiles,
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
      if (isRunKind(raw.kind) && interpolated.problems.length === 0)
        pending.push({entry, locate: raw.locate, kind: raw.kind})
      else if (isRunKind(raw.kind)) invalidAfterInterpolation.push({entry, locate: raw.locate, kind: raw.kind})
    }
  }

  // Entries whose interpolation failed are still schema-checked (for their other fields),
  // but take no part in cross-checks.
  const validated = await validateEntries([...pending, ...invalidAfterInterpolation], sources.cache.validOk ?? [])
  problems.push(...validated.problems)
  const failedInterpolation = new Set(invalidAfterInterpolation.map((p) => p.entry.id))
  const valid = validated.valid.filter((v) => !failedInterpolation.has(v.entry.id))

  problems.push(
    ...crossCheck(valid, entries),
    ...checkLuaReferences(valid, entries),
    ...checkTemporalParity(valid, entries),
  )
  const lua = await checkLuaSources(valid, options, sources.cache.luaOk ?? [])
  problems.push(...lua.problems)
  sources.saveCache({luaOk: lua.okHashes.sort(), validOk: validated.okHashes.sort()})
  return {root, srcDirs: sources.layout.srcDirs, entries, problems: sortProblems(problems)}
}

/**
 * The problem (without position) for an unknown or opaque kind, if any. A kind one or two
 * edits away from a known one is a typo (error, with "did you mean"); any other
 * `family.kind` is taken for a platform kind wippy does not know (`exec.docker`,
 * `function.wasm`...): loaded as an opaque entry with a warning, so a real Wippy project
 * still loads.
 */
function checkKind(kind: string, id: string): Omit<Problem, 'file' | 'line' | 'column' | 'entryId'> | undefined {
  if (!KNOWN_KINDS.includes(kind)) {
    const typo = KNOWN_KINDS.find((known) => editDistance(kind.toLowerCase(), known.toLowerCase()) <= 2)
    if (typo || !/^[a-z][\w-]*(\.[a-z][\w-]*)+$/i.test(kind)) {
      return {
        severity: 'error',
        code: 'WIPPY_KIND_UNKNOWN',
        message: `Entry ${id} has the unknown kind "${kind}".${typo ? ` Did you mean "${typo}"?` : ''}`,
        hint: `wippy runs ${RUN_KINDS.join(', ')}.`,
      }
    }
    return {
      severity: 'warning',
      code: 'WIPPY_KIND_UNKNOWN',
      message: `Entry ${id} has the kind "${kind}", which wippy does not know; it is loaded as an opaque entry and not run.`,
      hint: `wippy runs ${RUN_KINDS.join(', ')}; other kinds need the Wippy platform.`,
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

/** Problems in file, line, column order (problems without a file first). */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
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
  const more =
    errors.length > 1
      ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}; run \`wippy lint\` to see all)`
      : ''
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
