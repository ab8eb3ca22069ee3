/**
 * Temporal-parity warnings (`WIPPY_PARITY_*`): places where the local engine would run a
 * project differently from the Wippy platform on Temporal (reference §2.7, §4). wippy runs a
 * workflow or activity without its `meta.temporal.*.worker` binding, seeds `math.random`,
 * accepts a worker ID as a child's task queue and skips some options; the platform does none
 * of that. These are warnings (the dev server keeps running); `wippy lint --strict` makes them
 * errors for CI.
 */
import type {CheckedEntry} from './cross-check.js'
import {checkParityLua} from './parity-lua.js'
import {checkParityOptions} from './parity-options.js'
import {checkBindings, temporalWorkers} from './temporal-bindings.js'
import type {Problem, RegistryEntry} from './types.js'

export const PARITY_CODE_PREFIX = 'WIPPY_PARITY_'

/** True for a Temporal-parity warning (what `--strict` turns into an error). */
export function isParityProblem(problem: Problem): boolean {
  return problem.code.startsWith(PARITY_CODE_PREFIX)
}

/** Every Temporal-parity warning of the `valid` entries, one per code and position. */
export function checkTemporalParity(
  valid: readonly CheckedEntry[],
  all: ReadonlyMap<string, RegistryEntry>,
): Problem[] {
  const workers = temporalWorkers(all)
  const found = [
    ...checkBindings(valid, all, workers),
    ...checkParityLua(valid, all, workers),
    ...checkParityOptions(valid),
  ]
  // Entries sharing one Lua file (one method each) would report the same spot twice.
  const seen = new Set<string>()
  return found.filter((p) => {
    const key = `${p.code}|${p.file}|${p.line}|${p.column}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
