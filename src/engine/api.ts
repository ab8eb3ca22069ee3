/**
 * The one API of a running engine: what the dev server, the control channel (and through
 * it every CLI command), the TUI and the tests call. The engine implements it in-process;
 * over the socket the same methods are the rows of `control/protocol.ts`'s table (params objects,
 * typed results). Nothing here knows about terminals.
 */
import type {RepairResult} from '../history/damage.js'
import type {HistoryEvent} from '../history/events.js'
import type {HistoryDamage} from '../history/reader.js'
import type {LuaErrorValue} from '../lua/types.js'
import type {ProcessInfo, RunOutcome} from '../history/run-view.js'
import type {UpdateResult} from './updates.js'

// The row and outcome types are the run view's (one read model of a run, shared with the offline readers).
export type {ProcessInfo, RunOutcome, RunSummary} from '../history/run-view.js'
export type {UpdateResult} from './updates.js'

export interface SpawnRequest {
  /** `with_context` values: the run's `ctx`. */
  context?: Record<string, unknown>
  entry: string
  /** Host entry ID; default: the project's only temporal.worker (workflows) or process.host (processes). */
  host?: string
  /** Explicit workflow ID: reuses the running workflow with that ID (use-existing). */
  id?: string
  input: unknown[]
  /** `with_message`: delivered right after the start (SignalWithStart on Temporal). */
  messages?: Array<{payload: unknown[]; topic: string}>
  /** Start options as Lua's `with_options` takes them (`temporal.workflow.id_conflict_policy`, ...). */
  options?: Record<string, unknown>
}

export interface SpawnResult {
  entry: string
  existing: boolean
  host: string
  /** Bare workflow ID (short, shell-friendly). */
  id: string
  pid: string
}

export interface HistoryRange {
  from?: number
  limit?: number
  to?: number
}

export interface HistoryView {
  events: HistoryEvent[]
  pid: string
  /** The run ID of the run shown (a workflow ID may name several runs; see `--run-id`). */
  runId?: string
  status: string
  /** Why a blocked run is blocked, and the way out. */
  blocked?: {kind: string; problem: string; hint: string}
  /** Total events in the history (the view may be a range of it). */
  total: number
  /** A quarantined run: where its history is damaged (the events are the good prefix before it). */
  damage?: HistoryDamage & {file: string}
}

/** What `wippy history repair` did: the kept copy, and the run as it is now (unless it was forgotten). */
export interface RepairOutput extends RepairResult {
  summary?: ProcessInfo
}

export interface ReplayCheckResult {
  /** Where it diverged, when it did. */
  divergence?: {eventIndex: number; expected: string; got: string; where?: string; message: string}
  ok: boolean
  pid: string
  replayedEvents: number
  /** The run ID of the replayed run. */
  runId?: string
}

export interface ReloadReport {
  added: string[]
  changed: string[]
  /** Problems of the new registry; when any is an error the old registry keeps running. */
  errors: Array<{code: string; message: string; file?: string; line?: number; hint?: string}>
  ms: number
  removed: string[]
  /** Replay-aware reload of open runs of changed workflows. */
  workflows: Array<{
    pid: string
    compatible: boolean
    divergence?: string
    forkCommand?: string
    /** A blocked run the new code replays: it was unblocked and goes on. */
    unblocked?: boolean
    /** A blocked run the new code does not replay either: it stays blocked (its reason is updated). */
    blocked?: boolean
  }>
}

export interface EngineStatus {
  controlAddress?: string
  entries: number
  persistence: {dir: string; durable: true}
  processes: number
  root: string
  workflows: {open: number; total: number; blocked: number}
}

export type EngineEvent =
  | {summary: ProcessInfo; type: 'run'}
  | {event: HistoryEvent; pid: string; type: 'history'}
  | {level: string; message: string; pid?: string; type: 'log'; fields?: unknown}
  | {report: ReloadReport; type: 'reload'}

/**
 * The engine's methods, positional, as the engine and the TUI call them. Each request method is
 * also a row of the control protocol's table; the control server's adapter (`HANDLERS` in
 * `dev/control-server.ts`) is typed by that table, so this interface and the table can't drift.
 */
export interface EngineApi {
  call(entry: string, args: unknown[]): Promise<{error?: LuaErrorValue; value?: unknown}>
  // `runId` (`--run-id`): which run of a reused workflow ID; the newest without it.
  cancel(pid: string, reason?: string, runId?: string): Promise<{pid: string; runId?: string}>
  fork(pid: string, at: number, id?: string, runId?: string): Promise<SpawnResult>
  history(pid: string, range?: HistoryRange, runId?: string): Promise<HistoryView>
  ps(filter?: {all?: boolean; status?: string}): ProcessInfo[]
  replayCheck(pid: string, runId?: string): Promise<ReplayCheckResult>
  /** Cuts a damaged (quarantined) run's history back to its last good event, keeping a copy. */
  repair(pid: string, runId?: string): Promise<RepairOutput>
  signal(pid: string, topic: string, payload: unknown[], runId?: string): Promise<{pid: string; runId?: string}>
  skipTime(
    pid: string,
    by: number | 'next-timer',
    runId?: string,
  ): Promise<{now: number; pid: string; runId?: string; skippedMs: number}>
  spawn(request: SpawnRequest): Promise<SpawnResult>
  status(): EngineStatus
  /** Status stream: emits on change. Returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void
  terminate(pid: string, reason?: string, runId?: string): Promise<{pid: string; runId?: string}>
  /** Delivers update `name` and resolves with the workflow's answer (ok, nak or error). */
  update(pid: string, name: string, payload: unknown[], timeoutMs?: number, runId?: string): Promise<UpdateResult>
  /** Resolves when the run closes. */
  wait(pid: string): Promise<RunOutcome>
}
