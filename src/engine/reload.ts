/**
 * What a registry reload does to running code:
 * - a broken registry (YAML error, Lua syntax error, bad reference) is reported and the
 *   last good one keeps running;
 * - functions use the new code on their next call (they are looked up per call);
 * - each open run of a changed workflow is replayed against the new code in a scratch VM:
 *   a compatible run moves to the new code (its VM is rebuilt by replay); a diverging run
 *   stays pinned to the code it runs now, and the report says where it diverges and which
 *   `wippy fork` command would restart it on the new code;
 * - each blocked run of a changed workflow (its code diverged, or was not loaded) is checked
 *   the same way: if the new code replays its history it is unblocked and goes on (reverting
 *   the change is the way out the hint names); if not, its reason is updated. Runs blocked by
 *   a host fault are left to their retry.
 */
import {WippyError} from '../errors.js'
import type {HistoryEvent} from '../history/events.js'
import type {RunSummary} from '../hosts/workflows/run-summary.js'
import {type Registry, diffRegistries, loadRegistry} from '../registry/index.js'
import type {ReloadReport, ReplayCheckResult} from './api.js'
import type {CodeCatalog, CodeVersion} from './code-catalog.js'
import type {LuaServices} from './lua-services.js'

export interface ReloadDeps {
  catalog: CodeCatalog
  checkRun(events: HistoryEvent[], version: CodeVersion): Promise<ReplayCheckResult>
  current: Registry
  env: Record<string, string | undefined>
  history(pid: string): Promise<HistoryEvent[]>
  lua: LuaServices
  /** Moves a run onto whatever code `code()` now gives it (rebuilds its VM by replay). */
  moveRun(pid: string): Promise<void>
  /** Marks a run as left on its old code (or clears the mark), for `ps` and the status stream. */
  markOldCode(pid: string, oldCode: {divergence: string; forkCommand?: string} | undefined): void
  /** A blocked run still does not fit the new code: the reason it shows. */
  reblock(pid: string, problem: Error): void
  /** Loads a blocked run again on the code `code()` now gives it. */
  unblock(pid: string): Promise<void>
  openRuns(): RunSummary[]
  /** Binds a run to a version (durably, see code-pins.ts): the one it moves to, or the old one it stays on. */
  bind(runKey: string, version: CodeVersion): Promise<void>
  /** The version a reload bound a run to, if any (else it runs on the current registry's). */
  pinned(runKey: string): CodeVersion | undefined
  runKeyOf(pid: string): string
  swap(next: Registry): void
}

export async function reloadRegistry(deps: ReloadDeps): Promise<ReloadReport> {
  const t0 = performance.now()
  const next = await loadRegistry(deps.current.root, {checkLua: deps.lua.syntaxChecker(), env: deps.env})
  const errors = next.problems
    .filter((p) => p.severity === 'error')
    .map((p) => ({
      code: p.code,
      message: p.message,
      ...(p.file ? {file: p.file} : {}),
      ...(p.line === undefined ? {} : {line: p.line}),
      ...(p.hint ? {hint: p.hint} : {}),
    }))
  if (errors.length > 0) return {added: [], changed: [], errors, ms: performance.now() - t0, removed: [], workflows: []}

  const diff = diffRegistries(deps.current, next)
  const workflows: ReloadReport['workflows'] = []
  const moves: string[] = []
  const unblocks: string[] = []
  // Bindings are written together (one pins.json rewrite), durably before the code swaps.
  const binds: Array<Promise<void>> = []
  for (const run of deps.openRuns()) {
    const runKey = deps.runKeyOf(run.pid)
    if (run.status === 'blocked') {
      if (run.blockKind === 'host') continue
      const before = deps.pinned(runKey) ?? deps.catalog.workflow(deps.current, run.entry)
      const after = deps.catalog.workflow(next, run.entry)
      // Still no code, or not this run's code that changed: nothing to re-check.
      if (!after || (before && before.codeHash === after.codeHash)) continue
      const check = await deps.checkRun(await deps.history(run.pid), after)
      if (check.ok) {
        binds.push(deps.bind(runKey, after))
        unblocks.push(run.pid)
        workflows.push({compatible: true, pid: run.pid, unblocked: true})
      } else {
        const d = check.divergence!
        const forkCommand = `wippy fork ${run.id} --at ${Math.max(1, d.eventIndex - 1)}`
        deps.reblock(run.pid, new WippyError('WIPPY_NONDETERMINISM', d.message, {details: {...d, pid: run.pid}}))
        workflows.push({blocked: true, compatible: false, divergence: divergenceText(d), forkCommand, pid: run.pid})
      }
      continue
    }
    const before = deps.pinned(runKey) ?? deps.catalog.workflow(deps.current, run.entry)
    const after = deps.catalog.workflow(next, run.entry)
    if (!before) continue
    if (after && after.codeHash === before.codeHash) {
      // The registry's code is the one a pinned run runs on again: it is no longer on old code.
      if (run.oldCode) {
        deps.markOldCode(run.pid, undefined)
        workflows.push({compatible: true, pid: run.pid})
      }
      continue
    }
    if (!after) {
      binds.push(deps.bind(runKey, before))
      const divergence = `${run.entry} was removed; the run stays on its old code`
      deps.markOldCode(run.pid, {divergence})
      workflows.push({compatible: false, divergence, pid: run.pid})
      continue
    }
    const check = await deps.checkRun(await deps.history(run.pid), after)
    if (check.ok) {
      binds.push(deps.bind(runKey, after))
      deps.markOldCode(run.pid, undefined)
      moves.push(run.pid)
      workflows.push({compatible: true, pid: run.pid})
    } else {
      binds.push(deps.bind(runKey, before))
      const d = check.divergence!
      const divergence = divergenceText(d)
      const forkCommand = `wippy fork ${run.id} --at ${Math.max(1, d.eventIndex - 1)}`
      deps.markOldCode(run.pid, {divergence, forkCommand})
      workflows.push({compatible: false, divergence, forkCommand, pid: run.pid})
    }
  }
  await Promise.all(binds)
  deps.swap(next)
  for (const pid of moves) await deps.moveRun(pid)
  for (const pid of unblocks) await deps.unblock(pid)
  return {...diff, errors: [], ms: performance.now() - t0, workflows}
}

function divergenceText(d: NonNullable<ReplayCheckResult['divergence']>): string {
  return `diverges at event ${d.eventIndex}: expected ${d.expected}, got ${d.got}${d.where ? ` (${d.where})` : ''}`
}

export interface StartCheckDeps {
  bind(runKey: string, version: CodeVersion): Promise<void>
  checkRun(events: HistoryEvent[], version: CodeVersion): Promise<ReplayCheckResult>
  /** The registry's code of an entry (undefined when it is not loaded). */
  current(entry: string): CodeVersion | undefined
  history(pid: string): Promise<HistoryEvent[]>
  markOldCode(pid: string, oldCode: {divergence: string; forkCommand?: string}): void
  moveRun(pid: string): Promise<void>
  /** Blocks a run that is not loaded (its code does not replay it). */
  block(pid: string, problem: Error): void
  openRuns(): Array<{
    id: string
    entry: string
    pid: string
    runKey: string
    loaded: boolean
    blocked: boolean
    bound?: CodeVersion
    startedCodeHash: string
  }>
}

/**
 * After recovery, what a reload would have done to each open run whose code is not the
 * registry's: a restart with changed code is a reload. A run bound to an old version (it was
 * pinned) is checked against the current code and moves to it or stays pinned, marked; a run
 * left unloaded at start (settled idle) whose start code changed is checked now, so it is
 * blocked at once rather than when something wakes it.
 */
export async function checkRunsAtStart(deps: StartCheckDeps): Promise<void> {
  for (const run of deps.openRuns()) {
    if (run.blocked) continue
    const current = deps.current(run.entry)
    const on = run.bound?.codeHash ?? run.startedCodeHash
    if (!current || on === current.codeHash) continue
    // Loaded runs on the registry's code were replayed by recovery: they already passed or blocked.
    if (!run.bound && run.loaded) continue
    const check = await deps.checkRun(await deps.history(run.pid), current)
    if (check.ok) {
      await deps.bind(run.runKey, current)
      if (run.bound && run.loaded) await deps.moveRun(run.pid)
      continue
    }
    const d = check.divergence!
    if (run.bound) {
      deps.markOldCode(run.pid, {
        divergence: divergenceText(d),
        forkCommand: `wippy fork ${run.id} --at ${Math.max(1, d.eventIndex - 1)}`,
      })
    } else {
      deps.block(run.pid, new WippyError('WIPPY_NONDETERMINISM', d.message, {details: {...d, pid: run.pid}}))
    }
  }
}
