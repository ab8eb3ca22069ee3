/**
 * Why a run is blocked, and what a user can do about it. Two kinds, because they have
 * different ways out:
 * - `code`: the code does not fit the history (non-determinism) or is not loaded at all.
 *   Nothing changes until the code does: a reload re-checks the run (revert the change or
 *   guard it with `workflow.version()`), or the user forks or terminates it.
 * - `host`: the machine failed the engine (file descriptors, disk, memory). The code is fine;
 *   the host retries the run with backoff (see `block-retry.ts`).
 */
import {WippyError, isWippyError} from '../../errors.js'
import type {BlockKind} from '../../history/run-view.js'
import {parsePid} from './pid.js'

export type {BlockKind} from '../../history/run-view.js'

/** errno codes of resources the host ran out of: retrying later can succeed. */
const HOST_ERRNOS = new Set(['EAGAIN', 'EBUSY', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'ENOMEM', 'ENOSPC'])

/** Messages of the wasm heap or the Lua allocator running out (not the per-program cap). */
const HOST_MESSAGES =
  /out of memory|Cannot allocate Wasm memory|could not allocate memory|memory access out of bounds|Aborted\(/i

export function blockKindOf(error: Error): BlockKind {
  if (isWippyError(error)) return HOST_ERRNOS.has(errnoOf(error.cause) ?? '') ? 'host' : 'code'
  if (HOST_ERRNOS.has(errnoOf(error) ?? '')) return 'host'
  if (error instanceof RangeError && /memory|allocation/i.test(error.message)) return 'host'
  return HOST_MESSAGES.test(error.message) ? 'host' : 'code'
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/** The bare workflow ID of a PID (what users type); the text itself when it is no PID. */
export function workflowIdOf(pid: string): string {
  return parsePid(pid)?.uniq ?? pid
}

/** The event a fork should keep up to: the last one before the divergence, when known. */
export function forkAtOf(problem: Error | undefined): number | undefined {
  const index = isWippyError(problem) ? problem.details?.eventIndex : undefined
  return typeof index === 'number' ? Math.max(1, index - 1) : undefined
}

/** What a blocked run's owner can do, by kind. */
export function blockHint(kind: BlockKind, workflowId: string, problem?: Error): string {
  if (kind === 'host')
    return `The engine retries it with backoff; free the resource (disk space, open files, memory), or end it with \`wippy terminate ${workflowId}\`.`
  const at = forkAtOf(problem)
  return `Revert the code or guard the change with workflow.version() (the next reload re-checks the run), restart it on the current code with \`wippy fork ${workflowId} --at ${at ?? '<event>'}\`, or end it with \`wippy terminate ${workflowId}\`.`
}

/**
 * Thrown when a signal or cancel is sent to a blocked run: recording it would only add to a
 * history the code cannot replay yet. Terminate still works.
 */
export function blockedRunError(
  run: {identity: {workflowId: string; pid: string}; problem?: Error; blockKind?: BlockKind},
  verb: string,
): WippyError {
  const kind = run.blockKind ?? 'code'
  const id = run.identity.workflowId
  const why = (run.problem?.message ?? 'unknown reason').replace(/\.$/, '')
  return new WippyError(
    'WIPPY_RUN_BLOCKED',
    `Can't ${verb} ${id}: it is blocked, and nothing was recorded. Blocked because: ${why}.`,
    {
      details: {blockKind: kind, pid: run.identity.pid, problem: why},
      hint: blockHint(kind, id, run.problem),
    },
  )
}
