/**
 * Replays a recorded history against workflow code without running anything: no
 * activity, timer, signal or file is touched. The code passes when every command it
 * issues matches the history (and, for a closed run, it closes the same way). Used by
 * `wippy history replay` (CI before a deploy) and by the replay-aware hot reload.
 */
import {isWippyError} from '../../errors.js'
import {type EventOf, type HistoryEvent, isClosingEvent} from '../../history/events.js'
import type {LuaProgram} from '../../lua/types.js'
import {canonicalJson} from './event-identity.js'
import {liveCommandHandler} from './live-commands.js'
import {type Divergence, divergenceOf, nondeterminismError} from './nondeterminism.js'
import {WorkflowRun, describeEvent} from './run.js'

export interface ReplayCheck {
  divergence?: Divergence & {message: string}
  ok: boolean
  replayedEvents: number
}

/** Thrown inside the check when the code goes past the recorded history: that is a pass. */
class CaughtUp extends Error {}

/** A nondeterminism error as the check reports it: its divergence and its message. */
function reported(error: unknown): (Divergence & {message: string}) | undefined {
  if (!isWippyError(error)) return undefined
  const divergence = divergenceOf(error)
  return divergence && {...divergence, message: error.message}
}

/**
 * `isWorkflowEntry` says which entries a `process.upgrade` may name (the host answers NotFound
 * for others, unrecorded, so replay must answer the same); by default every one.
 */
export async function checkReplay(
  events: readonly HistoryEvent[],
  program: LuaProgram,
  isWorkflowEntry: (entry: string) => boolean = () => true,
): Promise<ReplayCheck> {
  const started = events[0] as EventOf<'WorkflowStarted'>
  const closing = events.length > 1 && isClosingEvent(events.at(-1)!) ? events.at(-1)! : undefined
  const body = closing ? events.slice(0, -1) : [...events]
  const unavailable = (): never => {
    throw new CaughtUp()
  }
  const live = liveCommandHandler({
    abandonActivity() {},
    armTimer() {},
    closed() {},
    control: unavailable,
    disarmTimer() {},
    env: () => undefined,
    isWorkflowEntry,
    log() {},
    // The recorded close is compared by entry and input (sameClose), not by its run ID.
    newRunId: () => 'replay-check',
    signal: unavailable,
    startActivity() {},
    startChild: unavailable,
    uuid: unavailable,
  })
  let mismatch: (Divergence & {message: string}) | undefined
  let closed = false
  const run = new WorkflowRun(
    {entry: started.entry, pid: started.pid, runKey: 'replay-check', workflowId: started.workflowId},
    {
      async append(batch) {
        const last = batch.at(-1)
        if (last && isClosingEvent(last as HistoryEvent)) closed = true
        if (closing && last && isClosingEvent(last as HistoryEvent)) {
          const got = {...last, seq: closing.seq} as HistoryEvent
          if (!sameClose(closing, got)) {
            mismatch = reported(
              nondeterminismError({
                eventIndex: closing.seq,
                expected: describeClose(closing),
                got: describeClose(got),
                pid: started.pid,
              }),
            )
          }
        }
        throw new CaughtUp()
      },
      // Recording would mean the code went past the history: the check is over.
      live: {
        ...live,
        plan: (run, cmd) => {
          const plan = live.plan(run, cmd)
          return plan.recorded === true ? {...plan, record: unavailable} : plan
        },
      },
      realNow: () => started.ts,
    },
    body,
  )
  try {
    await run.load(program)
  } catch (error) {
    if (!(error instanceof CaughtUp)) {
      const divergence = reported(error)
      if (divergence) return {divergence, ok: false, replayedEvents: events.length}
      return {
        divergence: {
          eventIndex: 0,
          expected: 'the code to run',
          got: (error as Error).message,
          message: (error as Error).message,
          pid: started.pid,
        },
        ok: false,
        replayedEvents: events.length,
      }
    }
  } finally {
    program.close()
  }
  if (closing && !mismatch && !closed && !stoppedFromOutside(closing)) {
    // The recorded run closed, but the code is still waiting for more.
    mismatch = reported(
      nondeterminismError({
        eventIndex: closing.seq,
        expected: describeClose(closing),
        got: 'the workflow still waiting',
        pid: started.pid,
      }),
    )
  }
  mismatch = reported(run.problem) ?? mismatch
  return mismatch
    ? {divergence: mismatch, ok: false, replayedEvents: events.length}
    : {ok: true, replayedEvents: events.length}
}

/**
 * Terminated/cancelled runs were stopped from outside (terminate, the history cap): any code
 * state is compatible, a code still waiting included.
 */
function stoppedFromOutside(e: HistoryEvent): boolean {
  return e.type === 'WorkflowTerminated' || e.type === 'WorkflowCancelled' || e.type === 'WorkflowTimedOut'
}

function sameClose(a: HistoryEvent, b: HistoryEvent): boolean {
  if (stoppedFromOutside(a)) return true
  if (a.type !== b.type) return false
  if (a.type === 'WorkflowCompleted' && b.type === 'WorkflowCompleted')
    return canonicalJson(a.result) === canonicalJson(b.result)
  if (a.type === 'WorkflowContinuedAsNew' && b.type === 'WorkflowContinuedAsNew')
    return a.entry === b.entry && canonicalJson(a.input) === canonicalJson(b.input)
  return true
}

function describeClose(e: HistoryEvent): string {
  if (e.type === 'WorkflowCompleted') return `WorkflowCompleted(${canonicalJson(e.result).slice(0, 60)})`
  if (e.type === 'WorkflowFailed') return `WorkflowFailed(${e.error.message.slice(0, 60)})`
  if (e.type === 'WorkflowContinuedAsNew')
    return `WorkflowContinuedAsNew ${e.entry}(${canonicalJson(e.input).slice(1, -1).slice(0, 60)})`
  return describeEvent(e)
}
