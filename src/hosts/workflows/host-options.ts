/** What the workflow host is given: its code source, services and options. */
import type {HistoryEvent} from '../../history/events.js'
import type {HistoryLimits} from '../../history/history-cap.js'
import type {HistoryStore} from '../../history/store.js'
import type {LuaProgram} from '../../lua/types.js'
import type {Addressing} from '../addressing.js'
import type {ActivityExecutor} from './activity-scheduler.js'
import type {BlockRetryOptions} from './block-retry.js'
import type {RunSummary} from './run-summary.js'
import type {ConflictPolicy, WorkflowStartOptions} from '../start-options.js'

/** Workflow code as the host sees it: a hash and a way to make a fresh program. */
export interface WorkflowCode {
  codeHash: string
  instantiate(run: {
    /** `workflow.info().attempt` (default 1): set for a run a workflow retry policy started again. */
    attempt?: number
    context?: Record<string, unknown>
    pid: string
    seed: number
    workflowId: string
    runId: string
    entry: string
  }): Promise<LuaProgram> | LuaProgram
}

export interface WorkflowHostOptions {
  activities: ActivityExecutor
  /** Backoff of runs blocked by a host fault (EMFILE, ENOSPC, out of memory). */
  blockRetry?: BlockRetryOptions
  /** The PID directory: every PID this host does not own (processes, functions) is reached through it. */
  node: Addressing
  /** The `temporal.worker` a host argument names (by entry ID or task queue), with its client. */
  workers?: (host: string) => {client: string; worker: string} | undefined
  /**
   * The code a run of `entry` runs on: the current registry's, or (given the run) the
   * version the run is pinned to. Undefined when the entry is unknown.
   */
  code(entry: string, runKey?: string): WorkflowCode | undefined
  env?: (key: string) => string | undefined
  /** The per-run history cap (history-cap.ts); none when undefined. */
  historyLimits?: HistoryLimits
  /** How often a run parked by a storage failure (disk full...) tries its file again (ms). Default 2 s. */
  storageRetryMs?: number
  /** Drop the VM of a run that waited this long with nothing running (ms). Default 5 s. */
  idleEvictMs?: number
  log?: (pid: string, level: string, message: string, fields?: unknown) => void
  /** Status stream: called after anything about a run changed. */
  onChange?: (summary: RunSummary) => void
  /**
   * A run was evicted idle with this many events: nothing but a timer, a signal or a child
   * can move it. Recovery trusts a run whose history still has that length to be settled
   * and leaves it unloaded (its timers armed) instead of replaying it at start.
   */
  onSettled?: (runKey: string, historyLength: number) => void
  settledLength?: (runKey: string) => number | undefined
  /** A history was found damaged and its run quarantined (the engine drops its index entry). */
  onDamaged?: (runKey: string) => void
  /** Called with every batch of events once it is durable (for `--follow` and the TUI). */
  onHistory?: (pid: string, events: HistoryEvent[]) => void
  random?: () => number
  realNow?: () => number
  store: HistoryStore
  uuid?: (version: string) => string
  /**
   * Virtual time (`wippy test`): a run waiting only on timers (no activity running) has its
   * clock moved to the next timer at once, so a 24 h sleep takes milliseconds while the
   * history still records 24 h.
   */
  virtualTime?: boolean
}

export interface StartRequest {
  client: string
  entry: string
  input: unknown[]
  parent?: {pid: string; seq: number}
  /** The spawner's context values (`with_context`); recorded, and the run's `ctx`. */
  context?: Record<string, unknown>
  /** Named or explicit workflow ID: reuses the running workflow with that ID (use-existing). */
  workflowId?: string
  /** What to do when a workflow with `workflowId` is running (default: use it). */
  conflictPolicy?: ConflictPolicy
  /** The spawner's Temporal start options (reuse policy, timeouts, delay, memo, ...: run-starts.ts). */
  startOptions?: WorkflowStartOptions
  worker: string
  forkedFrom?: {at: number; pid: string; events: HistoryEvent[]}
}
