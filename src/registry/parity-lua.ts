/**
 * The Temporal-parity checks that read workflow Lua (see parity.ts): activities called without
 * an activity binding, `math.random` (seeded here, not intercepted on the platform), and child
 * workflows spawned on a host no worker serves as a task queue (inside workflow code the
 * platform reads the host argument as a Temporal task-queue name, reference §4).
 */
import type {CheckedEntry} from './cross-check.js'
import {blankComments, type LiteralCall, luaLocator, methodCalls, moduleCalls} from './lua-scan.js'
import {resolveRef} from './refs.js'
import {type WorkerInfo, bindingHint, bindingOf, boundWorker} from './temporal-bindings.js'
import type {Problem, RegistryEntry} from './types.js'

const RANDOM_RE = /\bmath\s*\.\s*random\b/g

export function checkParityLua(
  valid: readonly CheckedEntry[],
  all: ReadonlyMap<string, RegistryEntry>,
  workers: ReadonlyMap<string, WorkerInfo>,
): Problem[] {
  const problems: Problem[] = []
  for (const {entry} of valid) {
    if (entry.kind !== 'workflow.lua' || typeof entry.data.source !== 'string') continue
    const source = blankComments(entry.data.source)
    const at = luaLocator(entry, source)
    const warn = (code: `WIPPY_PARITY_${string}`, message: string, hint: string, offset: number) =>
      problems.push({severity: 'warning', code, message, hint, ...at(offset), entryId: entry.id})
    const own = boundWorker(entry, 'workflow', workers)

    for (const call of [...moduleCalls(source), ...methodCalls(source)]) {
      const target = all.get(call.target)
      if (/^:?funcs\.(call|async)$|^:(call|async)$/.test(call.fn)) {
        if (target?.kind !== 'function.lua') continue
        const problem = activityProblem(entry, call, target, own, workers)
        if (problem) warn('WIPPY_PARITY_UNBOUND_ACTIVITY', problem.message, problem.hint, call.targetOffset)
      } else if (/spawn|exec/.test(call.fn) && !call.fn.startsWith('workflow.') && call.host !== undefined) {
        // A builder's `:spawn` / `:exec` is only taken for one when it names a workflow.
        if (call.fn.startsWith(':') && target?.kind !== 'workflow.lua') continue
        const problem = queueProblem(entry, call, target, workers)
        if (problem) warn('WIPPY_PARITY_SPAWN_QUEUE', problem.message, problem.hint, call.hostOffset ?? 0)
      }
    }

    for (const m of source.matchAll(RANDOM_RE))
      warn('WIPPY_PARITY_MATH_RANDOM', randomMessage(entry), RANDOM_HINT, m.index)
    // Libraries run inside the workflow that imports them.
    for (const lib of importedLibraries(entry, all)) {
      if (typeof lib.data.source !== 'string') continue
      const libSource = blankComments(lib.data.source)
      const libAt = luaLocator(lib, libSource)
      for (const m of libSource.matchAll(RANDOM_RE)) {
        problems.push({
          severity: 'warning',
          code: 'WIPPY_PARITY_MATH_RANDOM',
          message: `Library ${lib.id}, imported by workflow ${entry.id}, ${RANDOM_WHAT}`,
          hint: RANDOM_HINT,
          ...libAt(m.index),
          entryId: lib.id,
        })
      }
    }
  }
  return problems
}

const RANDOM_WHAT =
  'uses math.random: wippy seeds it per run so a replay draws the same numbers, but the platform does not intercept it, so a replay there draws others and the workflow fails as non-deterministic.'
const RANDOM_HINT =
  'Draw the number in a function.lua called with funcs.call (an activity: its result is recorded in the history), or use uuid.v4() (a recorded side effect on the platform).'

function randomMessage(entry: RegistryEntry): string {
  return `Workflow ${entry.id} ${RANDOM_WHAT}`
}

/** Why calling `target` as an activity from `workflow` fails on the platform, if it does. */
function activityProblem(
  workflow: RegistryEntry,
  call: LiteralCall,
  target: RegistryEntry,
  own: WorkerInfo | undefined,
  workers: ReadonlyMap<string, WorkerInfo>,
): {message: string; hint: string} | undefined {
  const call_ = `${call.fn}("${call.target}") in workflow ${workflow.id}`
  const bound = boundWorker(target, 'activity', workers)
  if (!bound) {
    // A binding to a missing worker is reported at the binding itself (parity.ts).
    if (bindingOf(target, 'activity')?.worker !== undefined) return undefined
    return {
      message: `${call_} runs ${target.id} as a Temporal activity, but ${target.id} has no \`meta.temporal.activity.worker\`: the platform does not register it and the call fails there with NotFound (wippy runs it anyway).`,
      hint: `Add ${own ? `meta.temporal.activity.worker: ${own.id}` : bindingHint('activity', workers)} to ${target.id} (declared at ${target.file}:${target.line}).`,
    }
  }
  if (!own || (bound.taskQueue === own.taskQueue && bound.client === own.client)) return undefined
  return {
    message: `${call_} schedules ${target.id} on the task queue "${own.taskQueue}" of ${own.id}, but ${target.id} is bound to ${bound.id} (task queue "${bound.taskQueue}"): on the platform no worker picks the activity up (wippy runs it anyway).`,
    hint: `Bind ${target.id} to ${own.id}, the worker the workflow runs on (activities run on the workflow's task queue).`,
  }
}

/** Why a child spawned from workflow code on `call.host` does not start on the platform, if it does not. */
function queueProblem(
  workflow: RegistryEntry,
  call: LiteralCall,
  target: RegistryEntry | undefined,
  workers: ReadonlyMap<string, WorkerInfo>,
): {message: string; hint: string} | undefined {
  const host = call.host ?? ''
  const serving = [...workers.values()].filter((w) => w.taskQueue === host)
  const call_ = `${call.fn}("${call.target}", "${host}") in workflow ${workflow.id}`
  const queues = [...workers.values()].map((w) => `"${w.taskQueue}" (${w.id})`)
  if (serving.length === 0) {
    const named = workers.get(host)
    return named
      ? {
          message: `${call_} names the worker ${host}; inside workflow code the platform reads the host as a Temporal task queue, and no worker serves a queue "${host}" (wippy accepts the worker ID).`,
          hint: `Pass the worker's task queue instead: "${named.taskQueue}".`,
        }
      : {
          message: `${call_}: inside workflow code the host is a Temporal task queue, and no temporal.worker serves "${host}".`,
          hint: queues.length
            ? `Pass the task queue of the worker the child is bound to: ${queues.join(', ')}.`
            : 'Add a temporal.worker with that task_queue.',
        }
  }
  const child = target?.kind === 'workflow.lua' ? boundWorker(target, 'workflow', workers) : undefined
  if (!child || serving.some((w) => w.id === child.id || w.taskQueue === child.taskQueue)) return undefined
  return {
    message: `${call_} starts the child on the task queue "${host}", but ${call.target} is bound to ${child.id} (task queue "${child.taskQueue}"): on the platform no worker on "${host}" has it registered (wippy starts it anyway).`,
    hint: `Pass "${child.taskQueue}", or bind ${call.target} to a worker on "${host}".`,
  }
}

/** The `library.lua` entries a workflow imports, directly or through other libraries. */
function importedLibraries(entry: RegistryEntry, all: ReadonlyMap<string, RegistryEntry>): RegistryEntry[] {
  const out: RegistryEntry[] = []
  const seen = new Set<string>([entry.id])
  const walk = (from: RegistryEntry): void => {
    const imports = from.data.imports
    if (typeof imports !== 'object' || imports === null) return
    for (const raw of Object.values(imports)) {
      const lib = typeof raw === 'string' ? all.get(resolveRef(raw, from.namespace)) : undefined
      if (!lib || lib.kind !== 'library.lua' || seen.has(lib.id)) continue
      seen.add(lib.id)
      out.push(lib)
      walk(lib)
    }
  }
  walk(entry)
  return out
}
