/**
 * What the process host needs from the rest of the engine, as small interfaces the
 * engine implements: workflows (the durable host behind `temporal.worker` entries) and
 * functions (`funcs.call` from a process). The process host never imports those hosts.
 */
import type {LuaErrorValue} from '../../lua/types.js'

/** A finished process or workflow: its return value, or the error it failed with. */
export interface ExitResult {
  error?: LuaErrorValue
  value?: unknown
}

/** A workflow start asked for by `process.spawn*` / `process.exec` with a `temporal.worker` host. */
export interface WorkflowStartRequest {
  /** Values from the spawner's `with_context` (travel to the workflow's `ctx`). */
  context?: Record<string, unknown>
  entry: string
  input: unknown[]
  /** The spawning process's PID. */
  parent: string
  /** The `temporal.worker` entry ID the process passed as host. */
  worker: string
  /** From `with_name` or `temporal.workflow.id`: an explicit ID reuses a running workflow. */
  workflowId?: string
  /** Remaining spawner options (`temporal.workflow.*` keys and the like). */
  options?: Record<string, unknown>
}

/**
 * The engine's workflow host as processes see it. Methods reject (or return an error
 * value) when the workflow is unknown; the process host turns that into a Lua error.
 */
export interface WorkflowGateway {
  /** Cancels a workflow: it sees a CANCEL event with `reason`. */
  cancel(pid: string, reason: string, from: string): Promise<void>
  /**
   * Calls `callback` once when the workflow closes (at once if it already has), with its
   * result or error. Returns an unsubscribe function.
   */
  onClose(pid: string, callback: (result: ExitResult) => void): () => void
  /** Sends a signal: the workflow's `inbox()` / `listen(topic)` gets `payload` from `from`. */
  signal(pid: string, topic: string, payload: unknown[], from: string): Promise<void>
  /** Starts (or, with an explicit ID, finds) a workflow run; resolves to its PID. */
  start(request: WorkflowStartRequest): Promise<{pid: string}>
  /** Ends a workflow at once. */
  terminate(pid: string, reason: string): Promise<void>
}

/** The engine's function host as processes see it (`funcs.call` / `funcs.async`). */
export interface FunctionGateway {
  call(entry: string, args: unknown[], options: {context?: Record<string, unknown>}): Promise<ExitResult>
}
