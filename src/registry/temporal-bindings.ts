/**
 * The Temporal bindings as the parity checks (parity.ts) read them: which worker an entry is
 * bound to through `meta.temporal.workflow.worker` / `meta.temporal.activity.worker`, and the
 * warnings for a workflow left unbound or a binding to something that is not a worker. Without
 * its binding the platform does not register a workflow or activity (reference §4).
 */
import type {CheckedEntry} from './cross-check.js'
import {didYouMean} from './did-you-mean.js'
import {isLuaKind} from './kinds.js'
import {resolveRef} from './refs.js'
import type {Problem, RegistryEntry} from './types.js'

/** A `temporal.worker` as the parity checks see it. */
export interface WorkerInfo {
  id: string
  client: string
  taskQueue: string
}

/** The project's `temporal.worker` entries by ID (those with a task queue). */
export function temporalWorkers(all: ReadonlyMap<string, RegistryEntry>): Map<string, WorkerInfo> {
  const out = new Map<string, WorkerInfo>()
  for (const e of all.values()) {
    const {client, task_queue: taskQueue} = e.data
    if (e.kind !== 'temporal.worker' || typeof taskQueue !== 'string') continue
    out.set(e.id, {id: e.id, client: typeof client === 'string' ? resolveRef(client, e.namespace) : '', taskQueue})
  }
  return out
}

/** The raw `meta.temporal.<role>` map of an entry, if any. */
export function bindingOf(entry: RegistryEntry, role: 'workflow' | 'activity'): Record<string, unknown> | undefined {
  const temporal = entry.meta.temporal
  if (typeof temporal !== 'object' || temporal === null) return undefined
  const binding = (temporal as Record<string, unknown>)[role]
  return typeof binding === 'object' && binding !== null ? (binding as Record<string, unknown>) : undefined
}

/** The worker an entry is bound to as `role`, when the binding names an existing `temporal.worker`. */
export function boundWorker(
  entry: RegistryEntry,
  role: 'workflow' | 'activity',
  workers: ReadonlyMap<string, WorkerInfo>,
): WorkerInfo | undefined {
  const raw = bindingOf(entry, role)?.worker
  return typeof raw === 'string' ? workers.get(resolveRef(raw, entry.namespace)) : undefined
}

/** `meta.temporal.workflow.worker: app:temporal_worker`, naming the worker(s) there are. */
export function bindingHint(role: 'workflow' | 'activity', workers: ReadonlyMap<string, WorkerInfo>): string {
  const ids = [...workers.keys()]
  if (ids.length === 0) return `meta.temporal.${role}.worker: <a temporal.worker> (add one, with its temporal.client)`
  return `meta.temporal.${role}.worker: ${ids.length === 1 ? ids[0] : `<one of ${ids.join(', ')}>`}`
}

export function checkBindings(
  valid: readonly CheckedEntry[],
  all: ReadonlyMap<string, RegistryEntry>,
  workers: ReadonlyMap<string, WorkerInfo>,
): Problem[] {
  const problems: Problem[] = []
  const workerIds = [...workers.keys()]
  for (const {entry, locate} of valid) {
    if (!isLuaKind(entry.kind)) continue
    if (entry.kind === 'workflow.lua' && bindingOf(entry, 'workflow')?.worker === undefined) {
      problems.push({
        severity: 'warning',
        code: 'WIPPY_PARITY_UNBOUND_WORKFLOW',
        message: `Workflow ${entry.id} has no \`meta.temporal.workflow.worker\`: the platform does not register it, so it can't start there (wippy runs it anyway).`,
        hint: `Bind it to the worker that hosts it: ${bindingHint('workflow', workers)}.`,
        file: entry.file,
        line: entry.line,
        column: entry.column,
        entryId: entry.id,
      })
    }
    for (const role of ['workflow', 'activity'] as const) {
      const raw = bindingOf(entry, role)?.worker
      if (raw === undefined) continue
      const id = typeof raw === 'string' ? resolveRef(raw, entry.namespace) : String(raw)
      if (workers.has(id)) continue
      const target = all.get(id)
      // A worker whose own schema failed is reported there.
      if (target?.kind === 'temporal.worker') continue
      const what = target ? `a ${target.kind}, not a temporal.worker` : 'an entry that does not exist'
      const p = locate('meta', ['temporal', role, 'worker'])
      problems.push({
        severity: 'warning',
        code: role === 'workflow' ? 'WIPPY_PARITY_UNBOUND_WORKFLOW' : 'WIPPY_PARITY_UNBOUND_ACTIVITY',
        message: `Entry ${entry.id} binds its ${role} to ${id}, ${what}: the platform does not register it (wippy runs it anyway).${target ? '' : didYouMean(id, workerIds)}`,
        hint: `Name a temporal.worker entry: ${bindingHint(role, workers)}.`,
        file: entry.file,
        line: p.line,
        column: p.column,
        entryId: entry.id,
      })
    }
  }
  return problems
}
