/**
 * One read model of a run, from its history alone: its status, what it waits for, its
 * workflow clock and how it ended. The engine (`hosts/workflows/`) and the offline readers
 * (`control/offline.ts`, no dev server) both derive a run from here, so `wippy ps` says the
 * same of a run whether or not `wippy dev` runs. The public row types (`RunSummary`,
 * `ProcessInfo`) and the one outcome type (`RunOutcome`) are defined here too, so the
 * engine API's types depend on no host.
 *
 * Pure and zod-free (types only from `events.ts`): `ps` and `history inspect` load it
 * without the ~70 ms of zod.
 */
import {WippyError} from '../errors.js'
import type {LuaErrorValue, ProcessEvent} from '../lua/types.js'
import {formatDurationMs} from '../time/duration.js'
import type {HistoryEvent, HistoryEventType, RecordedError} from './events.js'
import {type Outstanding, nextTimerAt, outstandingOf} from './outstanding.js'
import {parsePid} from './run-names.js'

export type {Outstanding, OutstandingActivity} from './outstanding.js'

/** A workflow run's status; `blocked` only the engine knows (its code or host failed it). */
export type RunStatus =
  | 'blocked'
  | 'cancelled'
  | 'completed'
  | 'failed'
  | 'running'
  | 'terminated'
  | 'timed_out'
  /** Closed by `process.upgrade`: a newer run of the same workflow ID (and PID) goes on. */
  | 'continued_as_new'

/** The status a closing event leaves. */
export type ClosedStatus = Exclude<RunStatus, 'blocked' | 'running'>

/** Why a blocked run is blocked (see `hosts/workflows/block-reason.ts`). */
export type BlockKind = 'code' | 'host'

/**
 * A run as `wippy ps` and the status stream show it. Besides `status`, a few markers say what
 * the status alone does not (the TUI and `ps` render `notes`; tools read the fields):
 * - `blockKind` / `retryAt`: why a blocked run is blocked, and when a host fault is retried;
 * - `oldCode`: a reload left the run on code older than the registry's, and how to move it;
 * - `cancelRequested`: a cancel was recorded and the run has not closed yet.
 */
export interface RunSummary {
  /** Blocked runs: `code` (needs a code change, a fork or terminate) or `host` (retried with backoff). */
  blockKind?: BlockKind
  /** Set while a CancelRequested is recorded and the run is still open. */
  cancelRequested?: {at: number; from?: string; reason?: string}
  closedAt?: number
  entry: string
  /** Bare workflow ID (what users type). */
  id: string
  kind: 'workflow'
  /** Short human markers for renderers: "on old code: ...", "cancel requested from the CLI", "retrying in 2s". */
  notes?: string[]
  /** Set while a reload left the run on its old code: where the new code diverges, and the fork that restarts it on it. */
  oldCode?: {divergence: string; forkCommand?: string}
  pid: string
  /** Workflows: the memo (start option, then `workflow.attrs` upserts), when one was set. */
  memo?: Record<string, unknown>
  /** Why a blocked run is blocked. */
  problem?: string
  /** Host-fault blocks: when the next attempt runs (ms epoch). */
  retryAt?: number
  /** `<workflow id>~<run id>`: names this run when its workflow ID was reused (every command takes it). */
  runKey?: string
  /** Workflows: the search attributes (start option, then `workflow.attrs` upserts), when any were set; `ps --query` filters on them. */
  searchAttributes?: Record<string, unknown>
  startedAt: number
  /** A run's status; `damaged` for a quarantined history (see damaged-runs.ts). */
  status: RunStatus | 'damaged'
  /** What the run waits for now: "sleeping 23h59m left", "waiting for a signal", "running app.api:charge". */
  waiting?: string
  loaded: boolean
}

/** A row of `wippy ps`: a workflow run, a plain process or a service. */
export interface ProcessInfo extends Omit<RunSummary, 'kind' | 'status'> {
  kind: 'process' | 'service' | 'workflow'
  /** Services: how many times it was restarted. */
  restarts?: number
  /** Workflows: running, completed, failed, cancelled, terminated, blocked, damaged, continued_as_new. Processes: running, exited, failed. Services: starting, running, stopping, stopped, exited, failed. */
  status: string
}

/**
 * How a run ended, as `wait` (`spawn --wait`) reports it: its result, or the error it ended
 * with. Cancelled and terminated runs end with a `Canceled` error carrying the reason; a
 * blocked run (which needs a human) reports a `Blocked` error and status `blocked`.
 */
export interface RunOutcome {
  error?: LuaErrorValue
  pid: string
  result?: unknown
  status: string
}

/**
 * The closing events (role `close` in `EVENT_ROLES`) and the status each leaves. A table
 * rather than `isClosingEvent`, which would load zod; a test holds the two together.
 */
const STATUS_OF_CLOSE: Partial<Record<HistoryEventType, ClosedStatus>> = {
  WorkflowCancelled: 'cancelled',
  WorkflowCompleted: 'completed',
  WorkflowFailed: 'failed',
  WorkflowTerminated: 'terminated',
  WorkflowTimedOut: 'timed_out',
  WorkflowContinuedAsNew: 'continued_as_new',
}

/** True for the status of a closed run (any status a closing event leaves). */
export function isClosedStatus(status: string): status is ClosedStatus {
  return Object.values(STATUS_OF_CLOSE).includes(status as ClosedStatus)
}

/** The status a closing event leaves, or undefined for any other event. */
export function closedStatusOf(event: HistoryEvent): ClosedStatus | undefined {
  return STATUS_OF_CLOSE[event.type]
}

/**
 * The result or error of a closing event, as a parent's `ChildWorkflowCompleted` records it.
 * Undefined for an event that does not close a run.
 */
export function closingOutcome(closing: HistoryEvent): {error?: RecordedError; result?: unknown} | undefined {
  switch (closing.type) {
    case 'WorkflowCompleted': {
      return {result: closing.result}
    }
    case 'WorkflowFailed': {
      return {error: closing.error}
    }
    case 'WorkflowTimedOut': {
      return {error: {kind: 'Timeout', message: closing.reason ?? `workflow ${closing.timeout} timeout`}}
    }
    case 'WorkflowCancelled':
    case 'WorkflowTerminated': {
      return {
        error: {
          kind: 'Canceled',
          message:
            closing.reason ?? (closing.type === 'WorkflowCancelled' ? 'workflow cancelled' : 'workflow terminated'),
        },
      }
    }
    // The workflow goes on in its next run: this run ends with neither a result nor an error.
    case 'WorkflowContinuedAsNew': {
      return {}
    }
    default: {
      return undefined
    }
  }
}

/** The outcome of the run `pid` that `closing` ended; undefined for an event that closes nothing. */
export function outcomeOfClose(pid: string, closing: HistoryEvent): RunOutcome | undefined {
  const status = closedStatusOf(closing)
  const outcome = closingOutcome(closing)
  if (!status || !outcome) return undefined
  return {pid, status, ...(outcome.error ? {error: outcome.error} : {result: outcome.result})}
}

/**
 * How the run `closing` ended, as an exec or an EXIT hands it to Lua: the result as `value`
 * (the platform's field name), or the error (the hosts' `ExitResult`).
 */
export function exitResultOf(closing: HistoryEvent): {error?: LuaErrorValue; value?: unknown} {
  const outcome = closingOutcome(closing) ?? {}
  return outcome.error ? {error: outcome.error} : {value: outcome.result}
}

/** The EXIT event (`process.event.EXIT`) a monitor or a linked process receives when the workflow `pid` closes. */
export function exitEventOf(pid: string, closing: HistoryEvent): ProcessEvent {
  return {at: closing.ts, from: pid, kind: 'pid.exit', result: exitResultOf(closing)}
}

/**
 * The workflow clock: real time plus every recorded skip (`TimeSkipped`). `notBefore` (the
 * last recorded event, for a run read from its file) keeps a clock that went back on this
 * machine from writing an event dated before the history's end.
 */
export function workflowClock(realNow: number, skippedMs: number, notBefore = Number.NEGATIVE_INFINITY): number {
  return Math.max(realNow + skippedMs, notBefore)
}

/** The search attributes and memo fields of a row (none when the run set none). */
export function attrsFields(open: Outstanding): {
  memo?: Record<string, unknown>
  searchAttributes?: Record<string, unknown>
} {
  return {...(open.search ? {searchAttributes: open.search} : {}), ...(open.memo ? {memo: open.memo} : {})}
}

/** What an open run's code waits for, from the commands it has open (first that applies). */
export type RunWait =
  | {entries: string[]; kind: 'activities'}
  | {fireAt: number; kind: 'timer'; leftMs: number}
  | {count: number; kind: 'children'}
  | {kind: 'signal'}

/** What a run with these open commands waits for, at workflow time `clock`. */
export function waitOf(open: Outstanding, clock: number): RunWait {
  if (open.activities.size > 0) return {entries: [...open.activities.values()].map((a) => a.entry), kind: 'activities'}
  const fireAt = nextTimerAt(open)
  if (fireAt !== undefined) return {fireAt, kind: 'timer', leftMs: Math.max(0, fireAt - clock)}
  if (open.children.size > 0) return {count: open.children.size, kind: 'children'}
  return {kind: 'signal'}
}

/** The `waiting` column: "running app.api:charge", "sleeping, 23h59m left", "waiting for a child workflow"... */
export function describeWait(wait: RunWait): string {
  switch (wait.kind) {
    case 'activities': {
      return `running ${wait.entries.join(', ')}`
    }
    case 'timer': {
      return `sleeping, ${formatDurationMs(wait.leftMs)} left`
    }
    case 'children': {
      return `waiting for ${wait.count === 1 ? 'a child workflow' : `${wait.count} child workflows`}`
    }
    case 'signal': {
      return 'waiting for a signal'
    }
  }
}

/** The note for a recorded, still-open cancel request: "cancel requested from the CLI". */
export function cancelNote(from: string | undefined): string {
  if (!from) return 'cancel requested'
  return from === 'wippy-cli' ? 'cancel requested from the CLI' : `cancel requested by ${from}`
}

/** A run as its history says it is (what only the engine knows, such as `blocked`, is not here). */
export type RunView = {
  /** Its workflow clock at `now` (never before its last event). */
  clock: number
  /** Its open commands, cancel request and time skips. */
  outstanding: Outstanding
} & (
  | {
      status: 'running'
      /** What its code waits for. */
      waiting: RunWait
    }
  | {
      /** When it closed (its closing event's time). */
      closedAt: number
      /** How it ended. */
      outcome: RunOutcome
      status: ClosedStatus
    }
)

/** The view of a run from its events (`events[0]` its `WorkflowStarted`), at real time `now`. */
export function viewOfRun(events: readonly HistoryEvent[], now = Date.now()): RunView {
  const outstanding = outstandingOf(events)
  const last = events.at(-1)
  const clock = workflowClock(now, outstanding.skippedMs, last?.ts)
  const started = events[0]
  const outcome = last && outcomeOfClose(started?.type === 'WorkflowStarted' ? started.pid : '', last)
  if (!last || !outcome) return {clock, outstanding, status: 'running', waiting: waitOf(outstanding, clock)}
  return {clock, closedAt: last.ts, outcome, outstanding, status: closedStatusOf(last)!}
}

/** What a run is known by: a run of the engine, or a history file (only its run key's workflow part). */
export interface RunCandidate {
  pid?: string
  /** `<workflow id>~<run id>`. */
  runKey?: string
  workflowId: string
}

/**
 * The runs a query names, by what users type: a full PID, a workflow ID, a run key, or a
 * unique prefix of a workflow ID or PID (like git and docker do). All of one workflow, in
 * `candidates` order; the caller takes the newest when a workflow ID was reused.
 * @throws WippyError WIPPY_PID_UNKNOWN or WIPPY_PID_AMBIGUOUS
 */
export function resolveRunQuery<T extends RunCandidate>(candidates: readonly T[], query: string): T[] {
  const q = query.trim()
  const id = parsePid(q)?.uniq ?? q
  const exact = candidates.filter((c) => c.pid === q || c.runKey === q || c.workflowId === id)
  if (exact.length > 0) return exact
  const workflows = new Set<string>()
  for (const c of candidates) if (c.workflowId.startsWith(id) || c.pid?.startsWith(q)) workflows.add(c.workflowId)
  if (workflows.size === 1) {
    const [only] = workflows
    return candidates.filter((c) => c.workflowId === only)
  }
  if (workflows.size > 1) {
    const ids = [...workflows].slice(0, 5).join(', ')
    throw new WippyError(
      'WIPPY_PID_AMBIGUOUS',
      `"${q}" matches ${workflows.size} workflows: ${ids}${workflows.size > 5 ? ', ...' : ''}.`,
      {
        hint: 'Type more characters of the workflow ID.',
      },
    )
  }
  throw new WippyError('WIPPY_PID_UNKNOWN', `No workflow matches "${q}".`, {
    hint: 'List workflows with `wippy ps --all`; a PID, a workflow ID or a unique prefix of one works.',
  })
}
