/**
 * Turns registry entries into runnable Lua: a {@link LuaProgramSpec} for functions and
 * processes, and a hashed code version for workflows. A workflow run is bound to the
 * code version it started with (or was moved to by a compatible reload); the catalog
 * keeps every version it has built so pinned runs keep their code.
 */
import {createHash} from 'node:crypto'

import {WippyError} from '../errors.js'
import type {LuaProgramSpec, LuaSource} from '../lua/types.js'
import {type Registry, type RegistryEntry, luaEntryConfig} from '../registry/index.js'

export interface CodeVersion {
  codeHash: string
  entryId: string
  /** Everything but the per-run fields (pid, seed). */
  spec: LuaProgramSpec
}

/** The Lua source of an entry, named as errors should show it. */
export function luaSourceOf(entry: RegistryEntry): LuaSource {
  const config = luaEntryConfig(entry)
  return {chunkName: entry.sourceFile ?? `${entry.file}#${entry.name}`, entryId: entry.id, text: config.source ?? ''}
}

/**
 * Specs built per registry snapshot and entry: a function called as an activity on every
 * workflow step must not re-parse its entry each time. A reload makes new entry objects,
 * so the cache follows the registry without invalidation.
 */
const specCache = new WeakMap<RegistryEntry, Map<string, LuaProgramSpec>>()

/** Builds (or reuses) the program spec of a Lua entry (function, process, workflow). */
export function programSpecOf(registry: Registry, entry: RegistryEntry, kind: LuaProgramSpec['kind']): LuaProgramSpec {
  let byKind = specCache.get(entry)
  const cached = byKind?.get(kind)
  if (cached && importsUnchanged(registry, cached)) return cached
  const spec = buildProgramSpec(registry, entry, kind)
  if (!byKind) specCache.set(entry, (byKind = new Map()))
  byKind.set(kind, spec)
  return spec
}

/** Imported libraries live in other entries: a reload may change them alone. */
function importsUnchanged(registry: Registry, spec: LuaProgramSpec): boolean {
  for (const source of Object.values(spec.imports ?? {})) {
    const lib = registry.entries.get(source.entryId)
    if (!lib || luaSourceOf(lib).text !== source.text) return false
  }
  return true
}

function buildProgramSpec(registry: Registry, entry: RegistryEntry, kind: LuaProgramSpec['kind']): LuaProgramSpec {
  const config = luaEntryConfig(entry)
  return {
    imports: importClosure(registry, entry, config.imports),
    kind,
    method: config.method,
    modules: config.modules,
    source: luaSourceOf(entry),
  }
}

/**
 * Every library an entry can reach through `imports:`, its own and its libraries' (the
 * platform loads a library's imports too), breadth first, so the nearest alias wins: the
 * entry's own, then its libraries', and so on. `require(alias)` in the VM resolves in this
 * one namespace. A cycle (b imports a, which imports b) ends where an entry was seen before.
 */
function importClosure(
  registry: Registry,
  entry: RegistryEntry,
  own: Record<string, string>,
): Record<string, LuaSource> {
  const imports: Record<string, LuaSource> = {}
  const seen = new Set<string>([entry.id])
  let level: Array<{from: RegistryEntry; refs: Record<string, string>}> = [{from: entry, refs: own}]
  while (level.length > 0) {
    const next: typeof level = []
    for (const {from, refs} of level) {
      for (const [alias, id] of Object.entries(refs)) {
        const lib = registry.entries.get(id)
        if (!lib) {
          throw new WippyError('WIPPY_REF_UNKNOWN', `${from.id} imports ${id}, which is not in the registry.`, {
            file: from.file,
            hint: 'Fix the `imports:` entry or add the library.lua entry.',
            line: from.line,
          })
        }
        if (!(alias in imports)) imports[alias] = luaSourceOf(lib)
        if (seen.has(lib.id)) continue
        seen.add(lib.id)
        next.push({from: lib, refs: luaEntryConfig(lib).imports})
      }
    }
    level = next
  }
  return imports
}

/** A stable hash of everything that decides what the code does. */
export function codeHashOf(spec: LuaProgramSpec): string {
  const h = createHash('sha256')
  h.update(spec.source.text)
  h.update(`\0${spec.method ?? 'main'}\0${[...spec.modules].sort().join(',')}`)
  for (const alias of Object.keys(spec.imports ?? {}).sort()) h.update(`\0${alias}\0${spec.imports![alias]!.text}`)
  return h.digest('hex').slice(0, 16)
}

export class CodeCatalog {
  private readonly versions = new Map<string, CodeVersion>()

  /** The current code of a workflow entry in `registry` (undefined when absent or not a workflow). */
  workflow(registry: Registry, entryId: string): CodeVersion | undefined {
    const entry = registry.entries.get(entryId)
    if (!entry || entry.kind !== 'workflow.lua') return undefined
    const spec = programSpecOf(registry, entry, 'workflow')
    const codeHash = codeHashOf(spec)
    const key = `${entryId}@${codeHash}`
    let version = this.versions.get(key)
    if (!version) {
      version = {codeHash, entryId, spec}
      this.versions.set(key, version)
    }
    return version
  }

  /** A version built before (for runs pinned to the code they started with). */
  byHash(entryId: string, codeHash: string): CodeVersion | undefined {
    return this.versions.get(`${entryId}@${codeHash}`)
  }
}
