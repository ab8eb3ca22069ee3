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
import {clientAndWorkerOf, formatWorkflowPid, parsePid} from '../pid.js'
import {closingOutcome} from '../../history/run-view.js'
import type {StartRequest} from './host-options.js'
import {PendingChildren} from './pending-children.js'
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
  /** True when `entry` is a loaded workflow.lua entry. */
  knows(entry: string): boolean
  /**
   * The `temporal.worker` serving a task queue (or named by entry ID); undefined when the host
   * has no worker directory (a bare host in tests: every child runs on its parent's worker).
   */
  readonly workers?: (queue: string) => {client: string; worker: string} | undefined
}

export class RunOutbound {
  /** Children waiting for a worker on their task queue (pending-children.ts). */
  readonly pending = new PendingChildren()

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
    request: {entry: string; host: string; input: unknown[]; options?: Record<string, unknown>; seq: number},
  ): Promise<{error?: LuaErrorValue; pid?: string}> {
    const [parentClient, parentWorker] = clientAndWorkerOf(run.identity.pid)
    const startOptions = workflowStartOptionsOf(request.options)
    // Inside workflow code the host argument is a task queue; `workflow.task_queue` overrides it.
    const queue = startOptions.taskQueue ?? request.host
    const served = queue && this.host.workers ? this.host.workers(queue) : undefined
    // An unknown entry or bad options is refused at once, as before (the start below throws).
    const startable = this.host.knows(request.entry) && startOptions.problems.length === 0
    const pending = queue !== '' && this.host.workers !== undefined && !served && startable
    const name = workflowIdOf(request.options)
    const conflictPolicy = startOptions.conflictPolicy
    // A child inherits its parent's context; its spawner's `with_context` adds to it.
    const context = {...run.started.context, ...contextOf(request.options)}
    const start: StartRequest = {
      client: served?.client ?? parentClient,
      context,
      entry: request.entry,
      input: request.input,
      parent: {pid: run.identity.pid, seq: request.seq},
      // Deterministic: a child started again after a crash finds the one started before.
      workflowId: name ?? `${run.identity.workflowId}.${request.seq}`,
      startOptions,
      // Unserved: the PID names the queue, and stays the child's PID once a worker serves it.
      worker: served?.worker ?? (pending ? queue : parentWorker),
      ...(conflictPolicy ? {conflictPolicy} : {}),
    }
    if (pending) {
      const pid = formatWorkflowPid({client: start.client, worker: start.worker, workflowId: start.workflowId!})
      if (!this.host.exactRun(pid)) {
        this.pending.add({pid, queue, request: start})
        this.host.warn(run.identity.pid, `child ${pid} waits for a worker on task queue ${queue}`)
      }
      return {pid}
    }
    try {
      return {pid: (await this.host.start(start)).pid}
    } catch (error) {
      return {error: startErrorOf(error)}
    }
  }

  /**
   * After a restart: re-derives the pending children of an open parent from its history (a
   * ChildWorkflowStarted whose child has no run and whose PID names a queue, not a worker
   * entry), and lists them again. The `with_context` values and start options of the original
   * spawn are not recorded: such a child starts with its parent's context and default options.
   */
  recoverPending(run: WorkflowRun): void {
    const workers = this.host.workers
    if (!workers || !run.open) return
    const closed = new Set(run.events.flatMap((e) => (e.type === 'ChildWorkflowCompleted' ? [e.started] : [])))
    for (const e of run.events) {
      if (e.type !== 'ChildWorkflowStarted' || e.error || !e.childPid || closed.has(e.seq)) continue
      if (this.pending.has(e.childPid) || this.host.exactRun(e.childPid)) continue
      const parsed = parsePid(e.childPid)
      if (!parsed?.node || workers(parsed.host)?.worker === parsed.host) continue
      this.pending.add({
        pid: e.childPid,
        queue: parsed.host,
        request: {
          client: parsed.node,
          context: {...run.started.context},
          entry: e.entry,
          input: e.input,
          parent: {pid: run.identity.pid, seq: e.seq},
          workflowId: parsed.uniq,
          worker: parsed.host,
        },
      })
    }
  }

  /** Starts the pending children whose task queue a worker now serves; returns their parents' PIDs. */
  async startPending(): Promise<string[]> {
    const workers = this.host.workers
    if (!workers) return []
    const parents = new Set<string>()
    for (const child of this.pending.takeServed((queue) => workers(queue) !== undefined)) {
      if (child.request.parent) parents.add(child.request.parent.pid)
      try {
        await this.host.start(child.request)
      } catch (error) {
        this.host.warn(child.pid, `pending child not started: ${(error as Error).message}`)
      }
    }
    return [...parents]
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
