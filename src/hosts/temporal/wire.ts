/**
 * How wippy's concepts travel over Temporal, in one place: the worker, the workflow sandbox and
 * the CLI (spawn, signal, ps, history) all use these names, so a run started by one is read
 * correctly by the others — and by the platform's Go runtime, which uses the same mapping
 * (reference §4):
 *
 * - workflow type = the `workflow.lua` entry ID; activity type = the `function.lua` entry ID;
 * - task queue = the `temporal.worker`'s `task_queue`, prefixed by its client's `tq_prefix`;
 * - workflow args = the spawn input (one Temporal payload per Lua argument, `json/plain`);
 * - a signal's name is the topic and its args the payload; the sender's PID travels in the
 *   {@link SENDER_HEADER} header, so `msg:from()` works;
 * - a PID is `{<temporal.client id>@<temporal.worker id>|<workflow id>}`;
 * - a Lua error crosses as an `ApplicationFailure` whose `type` is the error kind, whose
 *   `nonRetryable` is `retryable === false`, and whose details hold {@link FailureDetails}.
 *
 * No Node imports: the workflow sandbox bundles this module.
 */

/** The header that carries the sending PID of a signal (a json/plain payload holding a string). */
export const SENDER_HEADER = 'wippy-from'

/** The error type a failure carries when the Lua error had no kind. */
export const DEFAULT_ERROR_KIND = 'Internal'

/** What an ApplicationFailure's first details element holds: where the Lua error happened. */
export interface FailureDetails {
  details?: unknown
  file?: string
  line?: number
  traceback?: string
}

/** `{client@worker|workflowId}` — the PID of a workflow on Temporal. */
export function temporalPid(clientId: string, workerId: string, workflowId: string): string {
  return `{${clientId}@${workerId}|${workflowId}}`
}

/** The workflow ID inside a Temporal PID, or the text itself when it is a bare workflow ID. */
export function workflowIdOf(pidOrId: string): string {
  const m = /^\{[^|]*\|(.+)\}$/.exec(pidOrId)
  return m ? m[1]! : pidOrId
}

/** A worker's task queue as the server sees it (`tq_prefix` + `task_queue`). */
export function taskQueueOf(taskQueue: string, prefix?: string): string {
  return `${prefix ?? ''}${taskQueue}`
}
