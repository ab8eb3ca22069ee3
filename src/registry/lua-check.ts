import {createHash} from 'node:crypto'

import type {CheckedEntry} from './cross-check.js'
import {isLuaKind} from './kinds.js'
import type {LoadOptions, Problem, RegistryEntry} from './types.js'

/**
 * Runs the Lua syntax checker over every Lua source, skipping texts whose hash passed before
 * (the checker loads a wasm VM, so it is only loaded when some text needs checking).
 * Returns the problems and the hashes known good afterwards (for the cache).
 */
export async function checkLuaSources(
  valid: readonly CheckedEntry[],
  options: Pick<LoadOptions, 'checkLua' | 'loadLuaChecker'>,
  knownOk: readonly string[],
): Promise<{problems: Problem[]; okHashes: string[]}> {
  if (!options.checkLua && !options.loadLuaChecker) return {problems: [], okHashes: [...knownOk]}
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
      const where = entry.sourceFile
        ? {file: entry.sourceFile}
        : {file: entry.file, line: entry.line, column: entry.column}
      problems.push({...found, ...where, entryId: entry.id})
    }
  }
  return {problems, okHashes: [...ok].filter((h) => seen.has(h))}
}
