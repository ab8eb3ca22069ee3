/**
 * What a run's code does to other PIDs, live: signal them, cancel or terminate them, start
 * a child, and (when it closes) tell its parent. Another workflow of this host is handled
 * here; anything else (a process, a function) goes through the node, as one delivery that the
 * sender's recorded event keeps replay from repeating.
 */
import type {HistoryEvent, NewHistoryEvent} from '../../history/events.js'
import {payloadProblem} from '../../history/payload-limits.js'
import type {LuaErrorValue} from '../../lua/types.js'
import type {Addressing, PidOwner} from '../addressing.js'
import {clientAndWorkerOf} from '../pid.js'
import {closingOutcome} from '../../history/run-view.js'
import type {StartRequest} from './host-options.js'
import type {WorkflowRun} from './run.js'
import {contextOf, workflowIdOf, workflowStartOptionsOf} from '../start-options.js'
import {startErrorOf} from './start-policy.js'

/** The workflow host as its runs' outbound commands use it. */
export interface OutboundHost {
  readonly node: Addressing
  /** The host as the node knows it: a target it owns is a run of this host. */
  readonly owner: PidOwner
  exactRun(target: string): WorkflowRun | undefined
  start(request: StartRequest): Promise<{pid: string}>
  signal(
    pid: string,
    topic: string,
    payload: unknown[],
    from: string,
    signalId: string | undefined,
    queueIfBlocked: boolean,
  ): Promise<void>
  cancel(pid: string, reason: string, from: string, queueIfBlocked: boolean): Promise<void>
  terminate(pid: string, reason: string): Promise<void>
  /** Delivers `event` to `run` (loading it if needed) when `accept` still holds. */
  deliver(run: WorkflowRun, event: NewHistoryEvent, accept: (run: WorkflowRun) => boolean): Promise<void>
  warn(pid: string, message: string): void
}

export class RunOutbound {
  constructor(private readonly host: OutboundHost) {}

  async control(
    run: WorkflowRun,
    action: 'cancel' | 'terminate',
    target: string,
    reason?: string,
  ): Promise<LuaErrorValue | undefined> {
    const {node} = this.host
    const owner = node.resolve(target)
    if (!owner) return notFound(target)
    if (owner !== this.host.owner) {
      const origin = {code: true, from: run.identity.pid}
      return (
        action === 'cancel'
          ? await node.cancel(target, reason ?? action, origin)
          : await node.terminate(target, reason ?? action, origin)
      ).error
    }
    const child = this.host.exactRun(target)
    if (!child) return notFound(target)
    if (!child.open) return undefined
    // From code: a blocked child gets the cancel queued (see WorkflowHost.signal).
    if (action === 'cancel') await this.host.cancel(target, 'cancelled by parent', '', true)
    else await this.host.terminate(target, 'terminated by parent')
    return undefined
  }

  async signal(
    run: WorkflowRun,
    request: {payload: unknown[]; signalId: string; target: string; topic: string},
  ): Promise<LuaErrorValue | undefined> {
    const owner = this.host.node.resolve(request.target)
    // A plain process or a function: sent once, live; the recorded SignalSent keeps replay from resending.
    if (owner && owner !== this.host.owner)
      return (
        await this.host.node.send(request.target, request.topic, request.payload, {code: true, from: run.identity.pid})
      ).error
    const target = this.host.exactRun(request.target)
    if (!target) return notFound(request.target)
    if (!target.open)
      return {kind: 'NotFound', message: `workflow ${request.target} has already closed`, retryable: false}
    // Refused here (and the refusal recorded in SignalSent), not later where the sender can't hear of it.
    const tooBig = payloadProblem(request.payload, 'signal payload')
    if (tooBig) return {kind: 'PayloadTooLarge', message: tooBig.message, retryable: false}
    // Delivered off the sender's queue: a signal to oneself must not wait on itself.
    // Queued if the target is blocked: the sender's SignalSent already says it was sent.
    void this.host
      .signal(request.target, request.topic, request.payload, run.identity.pid, request.signalId, true)
      .catch((error: unknown) => {
        this.host.warn(run.identity.pid, `signal to ${request.target} not delivered: ${(error as Error).message}`)
      })
    return undefined
  }

  async startChild(
    run: WorkflowRun,
    request: {entry: string; input: unknown[]; options?: Record<string, unknown>; seq: number},
  ): Promise<{error?: LuaErrorValue; pid?: string}> {
    const [client, worker] = clientAndWorkerOf(run.identity.pid)
    const decoded = workflowStartOptionsOf(request.options)
    // A child runs on its parent's worker here, whatever queue it names: warned (not honoured).
    const startOptions = decoded.taskQueue ? {...decoded, unsupported: [...decoded.unsupported, 'task_queue']} : decoded
    const name = workflowIdOf(request.options)
    const conflictPolicy = startOptions.conflictPolicy
    // A child inherits its parent's context; its spawner's `with_context` adds to it.
    const context = {...run.started.context, ...contextOf(request.options)}
    try {
      const child = await this.host.start({
        client,
        context,
        entry: request.entry,
        input: request.input,
        parent: {pid: run.identity.pid, seq: request.seq},
        // Deterministic: a child started again after a crash finds the one started before.
        workflowId: name ?? `${run.identity.workflowId}.${request.seq}`,
        startOptions,
        worker,
        ...(conflictPolicy ? {conflictPolicy} : {}),
      })
      return {pid: child.pid}
    } catch (error) {
      return {error: startErrorOf(error)}
    }
  }

  /**
   * Hands a closed child's outcome to its parent, once: only if the parent recorded starting
   * this child at that seq, and has no outcome for it yet (after a crash both sides may
   * notify again).
   */
  notifyParent(run: WorkflowRun, closing: HistoryEvent): void {
    const parentRef = run.started.parent
    // A run that continued as new did not end the child: its last run tells the parent.
    if (!parentRef || closing.type === 'WorkflowContinuedAsNew') return
    const parent = this.host.exactRun(parentRef.pid)
    if (!parent?.open) return
    const event: NewHistoryEvent = {
      childPid: run.identity.pid,
      started: parentRef.seq,
      ts: parent.now(),
      type: 'ChildWorkflowCompleted',
      ...closingOutcome(closing),
    }
    const accept = (p: WorkflowRun): boolean => {
      const start = p.eventAt(parentRef.seq)
      return (
        start?.type === 'ChildWorkflowStarted' &&
        start.childPid === run.identity.pid &&
        !p.events.some((e) => e.type === 'ChildWorkflowCompleted' && e.started === parentRef.seq)
      )
    }
    void this.host.deliver(parent, event, accept).catch(() => {})
  }
}

function notFound(target: string): LuaErrorValue {
  return {kind: 'NotFound', message: `no workflow or process ${target}`, retryable: false}
}
