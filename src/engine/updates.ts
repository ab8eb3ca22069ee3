/**
 * `wippy update`: the platform's workflow updates for the CLI. On Wippy an update reaches the
 * workflow as a message from `{update|<id>}` whose topic is the update's name; the workflow
 * answers by sending "ack" or "nak", then "ok" or "error", to `msg:from()`
 * (rt:service/temporal/workflow/update_manager.go). Here each update gets such a PID, owned by
 * this module at the node for the update's lifetime: the update is delivered as a signal
 * (recorded like any other: SignalReceived, `from` = that PID), and the workflow's answers,
 * recorded as its SignalSent events, reach the waiting caller through the node.
 *
 * Answers follow the platform's state machine: ack or nak first, then ok or error after an
 * ack; anything else is refused (the workflow's `process.send` returns the error). An answer
 * nobody waits for any more (the caller timed out, or the engine restarted since the update
 * was delivered, and a recovered run answers again) is accepted and dropped: on Temporal the
 * update stays known to the workflow after its client gives up, so the answer never fails there.
 */
import {randomUUID} from 'node:crypto'

import {WippyError} from '../errors.js'
import type {Addressing, Delivered, Origin, PidOwner} from '../hosts/addressing.js'
import {parsePid} from '../history/run-names.js'
import {valueToJson} from '../history/value-forms.js'
import type {LuaErrorValue} from '../lua/types.js'

/** How an update ended: completed with a result, or refused (nak) or failed (error) with a message. */
export interface UpdateResult {
  /** The workflow's `error` or `nak`: its message (the payload when a string) and the payload itself. */
  error?: {message: string; value?: unknown}
  name: string
  /** The run's PID. */
  pid: string
  /** The `ok` payload (null when there was none). */
  result?: unknown
  /** The run ID of the run that answered (set by the engine). */
  runId?: string
  status: 'completed' | 'failed' | 'rejected'
  /** The update's PID, `{update|<id>}`, as the run's history names it. */
  update: string
}

/** The platform's default update timeout is the caller's; ours is 30 s unless told. */
export const DEFAULT_UPDATE_TIMEOUT_MS = 30_000

const HOST = 'update'
/** Finished updates remembered, so a second answer is refused as on the platform. */
const FINISHED_KEPT = 1024

type Stage = 'accepted' | 'delivered'

interface Pending {
  runPid?: string
  stage: Stage
  settle?: (answer: Answer | WippyError) => void
}

/** What an answer settles; the caller adds the names. */
type Answer = Pick<UpdateResult, 'error' | 'result' | 'status'>

export class Updates {
  /** The update PIDs as the node sees them. */
  readonly owner: PidOwner
  private readonly active = new Map<string, Pending>()
  private readonly finished = new Set<string>()

  constructor(private readonly node: Addressing) {
    const refuse = (dest: string): Delivered => ({error: invalid(`${dest} is an update, not a process`)})
    this.owner = {
      cancel: refuse,
      kind: 'update',
      onEnd: () => undefined,
      owns: (dest) => {
        const parsed = parsePid(dest)
        return parsed?.host === HOST && parsed.node === undefined
      },
      send: (dest, topic, payload, origin) => this.answer(dest, topic, payload, origin),
      terminate: refuse,
    }
    node.register(this.owner)
  }

  /**
   * Delivers update `name` to the run `pid` and resolves with its outcome.
   * @throws the delivery's WippyError (no such run, closed, blocked); `WIPPY_UPDATE_NOT_WORKFLOW`;
   *   `WIPPY_UPDATE_TIMEOUT`; `WIPPY_UPDATE_UNANSWERED` when the run closes first.
   */
  async update(
    pid: string,
    name: string,
    payload: unknown[],
    timeoutMs = DEFAULT_UPDATE_TIMEOUT_MS,
  ): Promise<UpdateResult> {
    const target = this.node.resolve(pid)
    // Only workflows take updates on the platform (a process would get a plain message).
    if (target && target.kind !== 'workflow') {
      throw new WippyError('WIPPY_UPDATE_NOT_WORKFLOW', `${pid} is a ${target.kind}; updates go to workflows.`, {
        hint: 'Send a process a message with `wippy signal` instead.',
        kind: 'usage',
      })
    }
    const id = randomUUID()
    const update = `{${HOST}|${id}}`
    // Registered before the delivery: the run may answer before the send resolves.
    const pending: Pending = {stage: 'delivered'}
    this.active.set(id, pending)
    const outcome = new Promise<Answer | WippyError>((resolve) => (pending.settle = resolve))
    const runOf = (): string => pending.runPid ?? pid
    const timer = setTimeout(() => {
      const awaited = pending.stage === 'accepted' ? 'ok or error' : 'ack or nak'
      pending.settle?.(
        new WippyError(
          'WIPPY_UPDATE_TIMEOUT',
          `The update ${name} to ${runOf()} got no ${awaited} within ${timeoutMs} ms.`,
          {
            details: {name, pid: runOf(), stage: pending.stage, update},
            hint: "The update stays in the run's history: see what the run does with `wippy history inspect`, or wait longer with --timeout.",
          },
        ),
      )
    }, timeoutMs)
    let stopWatching: (() => void) | undefined
    try {
      const sent = await this.node.send(pid, name, payload, {code: false, from: update})
      if (sent.error) throw new WippyError('WIPPY_PROCESS_ERROR', `${sent.error.message}.`)
      const runPid = sent.pid ?? pid
      pending.runPid = runPid
      stopWatching = this.node.resolve(runPid)?.onEnd(runPid, () => {
        // Nothing can answer any more: forget it, and tell a caller still waiting.
        this.active.delete(id)
        pending.settle?.(
          new WippyError('WIPPY_UPDATE_UNANSWERED', `Workflow ${runPid} closed before answering the update ${name}.`, {
            details: {name, pid: runPid, stage: pending.stage, update},
            hint: 'The workflow must send "ack" (or "nak"), then "ok" or "error", to msg:from() of the update message.',
          }),
        )
      })
      const answer = await outcome
      if (answer instanceof WippyError) throw answer
      return {...answer, name, pid: runPid, update}
    } finally {
      clearTimeout(timer)
      // Answers still to come go nowhere (see the module comment).
      pending.settle = undefined
      if (!pending.runPid) this.active.delete(id)
      // A run still holding the update (the caller timed out) keeps the watch that forgets it at its end.
      if (!this.active.has(id)) stopWatching?.()
    }
  }

  /** A workflow's answer to update `dest`. */
  private answer(dest: string, topic: string, payload: unknown[], origin: Origin): Delivered {
    // Only the workflow's code answers (not `wippy signal {update|…}`).
    if (!origin.code) return {error: invalid(`${dest} is an update: only its workflow answers it`)}
    const id = parsePid(dest)?.uniq ?? ''
    const pending = this.active.get(id)
    if (!pending) {
      if (this.finished.has(id)) return {error: invalid(`unknown update: ${id}`)}
      // Delivered before a restart (or its caller gave up): nobody to tell.
      return {pid: dest, value: true}
    }
    if (pending.runPid !== undefined && origin.from !== pending.runPid) return {error: invalid(`unknown update: ${id}`)}
    switch (topic) {
      case 'ack': {
        if (pending.stage !== 'delivered') return {error: invalid('update already accepted')}
        pending.stage = 'accepted'
        return {pid: dest, value: true}
      }
      case 'nak': {
        if (pending.stage !== 'delivered') return {error: invalid('update already accepted')}
        this.finish(id)
        pending.settle?.({error: failure(payload, 'update rejected'), status: 'rejected'})
        return {pid: dest, value: true}
      }
      case 'ok':
      case 'error': {
        if (pending.stage !== 'accepted') return {error: invalid('update not accepted (state: pending)')}
        this.finish(id)
        pending.settle?.(
          topic === 'ok'
            ? {result: payload[0] ?? null, status: 'completed'}
            : {error: failure(payload, 'update failed'), status: 'failed'},
        )
        return {pid: dest, value: true}
      }
      default: {
        return {error: invalid(`unknown update response: ${topic} (expected ack/nak/ok/error)`)}
      }
    }
  }

  private finish(id: string): void {
    this.active.delete(id)
    this.finished.add(id)
    if (this.finished.size > FINISHED_KEPT) this.finished.delete(this.finished.values().next().value!)
  }
}

/** The platform's message of a nak or error: the payload when a string, else its text. */
function failure(payload: unknown[], fallback: string): {message: string; value?: unknown} {
  if (payload.length === 0) return {message: fallback}
  const value = payload[0]
  const message = typeof value === 'string' ? value : valueToJson(value)
  return {message, value}
}

function invalid(message: string): LuaErrorValue {
  return {kind: 'Invalid', message, retryable: false}
}
