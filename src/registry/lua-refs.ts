import type {CheckedEntry} from './cross-check.js'
import {didYouMean} from './did-you-mean.js'
import {isLuaKind} from './kinds.js'
import {blankComments, luaLocator, moduleCalls} from './lua-scan.js'
import type {Problem, RegistryEntry} from './types.js'

/**
 * Checks the entry IDs that Lua code names literally: `funcs.call("ns:name", ...)`,
 * `funcs.async(...)`, `process.spawn*("ns:name", "host", ...)`, `process.exec(...)` and
 * `workflow.exec(...)`. Code may also build IDs at run time, so these are warnings.
 * Inside a workflow the spawn `host` is a task-queue name (platform §4), so it is not checked.
 */

const FUNC_KINDS = ['function.lua']
const SPAWN_KINDS = ['process.lua', 'workflow.lua']
const HOST_KINDS = ['process.host', 'temporal.worker', 'terminal.host']

/** Warnings about literal references in the Lua sources of `valid` entries. */
export function checkLuaReferences(valid: readonly CheckedEntry[], all: ReadonlyMap<string, RegistryEntry>): Problem[] {
  const problems: Problem[] = []
  const ids = [...all.keys()]
  for (const {entry} of valid) {
    if (!isLuaKind(entry.kind) || typeof entry.data.source !== 'string') continue
    const at = luaLocator(entry, entry.data.source)
    const warn = (code: `WIPPY_${string}`, message: string, hint: string, offset: number) =>
      problems.push({severity: 'warning', code, message, hint, ...at(offset), entryId: entry.id})

    for (const {fn, target, targetOffset, host, hostOffset = 0} of moduleCalls(blankComments(entry.data.source))) {
      const isFuncs = fn.startsWith('funcs.')
      const kinds = isFuncs ? FUNC_KINDS : SPAWN_KINDS
      if (!target.includes(':')) {
        warn(
          'WIPPY_REF_NOT_QUALIFIED',
          `${fn}("${target}") in ${entry.id} needs a full entry ID (namespace:name).`,
          `Write "${entry.namespace}:${target}" if that is the entry you mean; Lua calls do not resolve bare names.`,
          targetOffset,
        )
        continue
      }
      const found = all.get(target)
      if (!found) {
        warn(
          'WIPPY_REF_UNKNOWN',
          `${fn}("${target}") in ${entry.id} names an entry that does not exist.${didYouMean(target, ids)}`,
          `Declare ${target} (a ${kinds.join(' or ')}) or fix the ID.`,
          targetOffset,
        )
      } else if (!kinds.includes(found.kind)) {
        warn(
          'WIPPY_REF_WRONG_KIND',
          `${fn}("${target}") in ${entry.id} names a ${found.kind}, not a ${kinds.join(' or ')}.`,
          `Point it at a ${kinds.join(' or ')} entry (${target} is declared at ${found.file}:${found.line}).`,
          targetOffset,
        )
      }
      const spawnsOnHost = fn.startsWith('process.') && host !== undefined && host.includes(':')
      if (spawnsOnHost && entry.kind !== 'workflow.lua') {
        const hostEntry = all.get(host)
        if (!hostEntry) {
          warn(
            'WIPPY_REF_UNKNOWN',
            `${fn}(..., "${host}") in ${entry.id} names a host that does not exist.${didYouMean(host, ids)}`,
            `Declare ${host} (a ${HOST_KINDS.join(' or ')}) or fix the ID.`,
            hostOffset,
          )
        } else if (!HOST_KINDS.includes(hostEntry.kind)) {
          warn(
            'WIPPY_REF_WRONG_KIND',
            `${fn}(..., "${host}") in ${entry.id} names a ${hostEntry.kind}, not a host.`,
            `Spawn on a ${HOST_KINDS.join(' or ')}.`,
            hostOffset,
          )
        }
      }
    }
  }
  return problems
}
