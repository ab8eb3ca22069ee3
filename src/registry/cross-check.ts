import {didYouMean} from './did-you-mean.js'
import {KNOWN_MODULES, WORKFLOW_SAFE_MODULES, isLuaKind} from './kinds.js'
import type {PathKey, Position} from './parse-file.js'
import type {Problem, RegistryEntry} from './types.js'
import {resolveRef} from './refs.js'

/**
 * Checks between entries (platform §1.2, §2.7): references point at entries of the right
 * kind, and workflows only use deterministic modules, directly or through imports. Runs only
 * over entries whose own schema validated, so the fields have the expected types.
 */

export interface CheckedEntry {
  entry: RegistryEntry
  locate: (where: 'data' | 'meta', path: readonly PathKey[]) => Position
}

const SAFE = new Set(WORKFLOW_SAFE_MODULES)
const KNOWN = new Set(KNOWN_MODULES)
const HOST_KINDS = ['process.host', 'terminal.host']

/** All cross-entry problems of `valid` entries, looked up in `all` (every loaded entry). */
export function crossCheck(valid: readonly CheckedEntry[], all: ReadonlyMap<string, RegistryEntry>): Problem[] {
  const problems: Problem[] = []
  const allIds = [...all.keys()]

  for (const {entry, locate} of valid) {
    const at = (where: 'data' | 'meta', path: readonly PathKey[]) => {
      const p = locate(where, path)
      return {file: entry.file, line: p.line, column: p.column, entryId: entry.id}
    }
    /** Checks one reference; returns the target when it exists with an accepted kind. */
    const ref = (
      raw: unknown,
      kinds: readonly string[],
      what: string,
      where: 'data' | 'meta',
      path: readonly PathKey[],
    ): RegistryEntry | undefined => {
      if (typeof raw !== 'string' || raw === '') return undefined
      const id = resolveRef(raw, entry.namespace)
      const target = all.get(id)
      if (!target) {
        problems.push({
          severity: 'error',
          code: 'WIPPY_REF_UNKNOWN',
          message: `Entry ${entry.id} refers to ${what} ${id}, which does not exist.${didYouMean(id, allIds)}`,
          hint: `Declare ${id} (a ${kinds.join(' or ')}), or fix the reference; a bare name resolves in namespace ${entry.namespace}.`,
          ...at(where, path),
        })
        return undefined
      }
      if (kinds.length > 0 && !kinds.includes(target.kind)) {
        problems.push({
          severity: 'error',
          code: 'WIPPY_REF_WRONG_KIND',
          message: `Entry ${entry.id} refers to ${what} ${id}, which is a ${target.kind}, not a ${kinds.join(' or ')}.`,
          hint: `Point it at a ${kinds.join(' or ')} entry (${id} is declared at ${target.file}:${target.line}).`,
          ...at(where, path),
        })
        return undefined
      }
      return target
    }

    const d = entry.data
    const lifecycle = d.lifecycle as Record<string, unknown> | undefined
    for (const key of ['requires', 'depends_on'] as const) {
      const list = lifecycle?.[key]
      if (Array.isArray(list)) list.forEach((r, i) => ref(r, [], 'the required entry', 'data', ['lifecycle', key, i]))
    }

    switch (entry.kind) {
      case 'process.service': {
        ref(d.process, ['process.lua'], 'the process', 'data', ['process'])
        ref(d.host, HOST_KINDS, 'the host', 'data', ['host'])
        break
      }
      case 'temporal.worker': {
        ref(d.client, ['temporal.client'], 'the client', 'data', ['client'])
        break
      }
      default:
        break
    }

    if (isLuaKind(entry.kind)) {
      const modules = (d.modules as string[] | undefined) ?? []
      modules.forEach((m, i) => {
        if (!KNOWN.has(m)) {
          problems.push({
            severity: 'warning',
            code: 'WIPPY_MODULE_UNKNOWN',
            message: `Entry ${entry.id} lists the module "${m}", which is not a Wippy module.${didYouMean(m, KNOWN_MODULES)}`,
            hint: 'Use a built-in module name; other entries are loaded with `imports: {alias: "ns:entry"}`.',
            ...at('data', ['modules', i]),
          })
        } else if (entry.kind === 'workflow.lua' && !SAFE.has(m)) {
          problems.push(notWorkflowSafe(entry, m, `lists the module "${m}"`, at('data', ['modules', i])))
        }
      })
      const imports = (d.imports as Record<string, string> | undefined) ?? {}
      for (const [alias, raw] of Object.entries(imports)) {
        const lib = ref(raw, ['library.lua', 'function.lua'], `the import "${alias}"`, 'data', ['imports', alias])
        if (lib && entry.kind === 'workflow.lua') {
          const unsafe = unsafeModulesOf(lib, all, new Set())
          for (const m of unsafe)
            problems.push(
              notWorkflowSafe(
                entry,
                m,
                `imports ${lib.id}, which uses the module "${m}"`,
                at('data', ['imports', alias]),
              ),
            )
        }
      }
    }
  }
  return problems
}

/** Non-workflow-safe modules a library uses, following its own imports. */
function unsafeModulesOf(lib: RegistryEntry, all: ReadonlyMap<string, RegistryEntry>, seen: Set<string>): string[] {
  if (seen.has(lib.id)) return []
  seen.add(lib.id)
  const modules = Array.isArray(lib.data.modules) ? (lib.data.modules as unknown[]) : []
  const out = modules.filter((m): m is string => typeof m === 'string' && KNOWN.has(m) && !SAFE.has(m))
  const imports = lib.data.imports
  if (typeof imports === 'object' && imports !== null) {
    for (const raw of Object.values(imports)) {
      const next = typeof raw === 'string' ? all.get(resolveRef(raw, lib.namespace)) : undefined
      if (next?.kind === 'library.lua') out.push(...unsafeModulesOf(next, all, seen))
    }
  }
  return [...new Set(out)]
}

function notWorkflowSafe(
  entry: RegistryEntry,
  module: string,
  how: string,
  at: {file: string; line: number; column: number; entryId: string},
): Problem {
  const logger = module === 'logger' ? ' For logging, `print` is always available.' : ''
  return {
    severity: 'error',
    code: 'WIPPY_MODULE_NOT_WORKFLOW_SAFE',
    message: `Workflow ${entry.id} ${how}, which is not deterministic and can't run in a workflow.`,
    hint: `Move that work into a function.lua and call it from the workflow with funcs.call("ns:name", ...); its result is recorded in the history.${logger} Workflow-safe modules: ${WORKFLOW_SAFE_MODULES.join(' ')}.`,
    ...at,
  }
}
