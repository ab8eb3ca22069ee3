/**
 * The embedded durable workflow host: the local provider behind `temporal.worker` entries.
 * It owns the runs, their history files, their timers and activities, and recovers every
 * open run by replay when it starts. The JSONL history files are the source of truth;
 * everything in memory here can be rebuilt from them. A history the reader finds damaged
 * quarantines its run (`damaged-runs.ts`) and never stops the others.
 */
export type {StartRequest, WorkflowCode, WorkflowHostOptions} from './host-options.js'
import type {EventOf, HistoryEvent, NewHistoryEvent} from '../../history/events.js'
import {WippyError} from '../../errors.js'
import {boundedActivityOutcome, checkPayload} from '../../history/payload-limits.js'
import {ActivityScheduler} from './activity-scheduler.js'
import {blockedRunError} from './block-reason.js'
import {BlockRetry} from './block-retry.js'
import type {StartRequest, WorkflowHostOptions} from './host-options.js'
import {RunResidency} from './run-residency.js'
import {RunStarts} from './run-starts.js'
import {type RecoveryHost, type RecoveryReport, recoverAll, recoverRun} from './run-recovery.js'
import {liveCommandHandler} from './live-commands.js'
import {nextTimerAt} from '../../history/outstanding.js'
import {WorkflowRun, type RunContext} from './run.js'
import {DEADLINE_SEQ, RunTimers} from './run-timers.js'
import {formatDurationMs} from '../../time/duration.js'
import {RunWaiters} from './run-waiters.js'
import {StorageRetry} from './storage-retry.js'
import {RunDirectory} from './run-directory.js'
import {type DamagedRun, DamagedRuns, quarantineOf, runDamagedError, summarizeDamaged} from './damaged-runs.js'
import {type RepairResult, repairHistoryFile} from '../../history/damage.js'
import {summarizeRun, type RunSummary} from './run-summary.js'
import type {PidOwner} from '../addressing.js'
import {workflowOwner} from './workflow-owner.js'
import {RunOutbound} from './run-outbound.js'
import {pendingNote} from './pending-children.js'
import {applyParentClose, type ParentCloseHost} from './parent-close.js'
import {newRunId, runKeyOf} from './pid.js'

export class WorkflowHost {
  private readonly dir = new RunDirectory()
  private readonly damaged = new DamagedRuns()
  /** Starts with an explicit workflow ID whose file is being created: a second one waits. */
  private readonly timers: RunTimers
  private readonly activities: ActivityScheduler
  /** Logs and VMs, loaded on demand and evicted idle (run-residency.ts). */
  private readonly residency: RunResidency
  private readonly waiters = new RunWaiters()
  private readonly retries: BlockRetry
  private readonly realNow: () => number
  private readonly random: () => number
  private closed = false
  private readonly storageRetry: StorageRetry
  /** This host as the node addresses it (workflow-owner.ts). */
  private readonly owner: PidOwner
  /** What runs do to other PIDs (run-outbound.ts). */
  private readonly outbound: RunOutbound
  /** New runs: ID conflict policy, history file, first VM (run-starts.ts). */
  private readonly starts: RunStarts
  /** Runs that continued as new whose next run is being started, by run key. */
  private readonly continuing = new Map<string, Promise<void>>()

  constructor(private readonly options: WorkflowHostOptions) {
    this.owner = workflowOwner(this, options.node, options.workers ?? (() => undefined))
    options.node.register(this.owner)
    this.outbound = new RunOutbound({
      cancel: (pid, reason, from, queueIfBlocked) => this.cancel(pid, reason, from, queueIfBlocked),
      deliver: (run, event, accept) => this.residency.withLoaded(run, () => run.deliver(event, accept)),
      exactRun: (target) => this.exactRun(target),
      knows: (entry) => options.code(entry) !== undefined,
      node: options.node,
      owner: this.owner,
      signal: (pid, topic, payload, from, signalId, queueIfBlocked) =>
        this.signal(pid, topic, payload, from, signalId, queueIfBlocked),
      start: (request) => this.start(request),
      terminate: (pid, reason) => this.terminate(pid, reason),
      warn: (pid, message) => options.log?.(pid, 'warn', message),
      ...(options.workers ? {workers: options.workers} : {}),
    })
    this.realNow = options.realNow ?? Date.now
    this.random = options.random ?? Math.random
    this.timers = new RunTimers((run, seq) => this.fireTimer(run, seq))
    this.retries = new BlockRetry(options.blockRetry ?? {}, (run) => this.retryBlocked(run))
    this.storageRetry = new StorageRetry(
      options.storageRetryMs ?? 2000,
      (run) => (this.closed ? Promise.resolve() : this.residency.withLoaded(run, async () => {})),
      (run, message) => options.log?.(run.identity.pid, 'error', message),
    )
    this.activities = new ActivityScheduler(
      options.activities,
      (run, event) => this.wake(run, event),
      (run, option, message) => void this.recordWarning(run, option, message),
    )
    this.residency = new RunResidency({
      afterChange: (run) => this.afterChange(run),
      code: (entry, runKey) => options.code(entry, runKey),
      idleEvictMs: options.idleEvictMs ?? 5000,
      ...(options.onSettled ? {onSettled: options.onSettled} : {}),
      park: (run) => this.storageRetry.park(run),
      quarantine: (run, error) => this.quarantineLive(run, error),
      // A child that closed while this run could not record it tells it again (deduplicated).
      reopened: (run) => {
        for (const child of this.dir.all())
          if (!child.open && child.started.parent?.pid === run.identity.pid)
            this.outbound.notifyParent(child, child.closing!)
      },
      store: options.store,
    })
    this.starts = new RunStarts({
      closed: () => this.closed,
      code: (entry) => options.code(entry),
      hasRun: (runKey) => this.dir.all().some((r) => r.identity.runKey === runKey) || !!this.damaged.find(runKey),
      newRun: (runKey, events) => this.newRun(runKey, events),
      latestByWorkflowId: (workflowId) => this.dir.latestByWorkflowId(workflowId),
      openByWorkflowId: (workflowId) => this.dir.openByWorkflowId(workflowId),
      random: this.random,
      realNow: this.realNow,
      residency: this.residency,
      store: options.store,
      terminate: (pid, reason) => this.terminate(pid, reason),
      warn: (pid, message) => options.log?.(pid, 'warn', message),
    })
  }

  /**
   * Reads every history, replays the open runs, and re-notifies parents of finished children.
   * A damaged history is quarantined (listed as `damaged`, skipped), never fatal for the others.
   */
  async recover(): Promise<RecoveryReport> {
    const report = await recoverAll(this.recovery)
    for (const run of this.dir.all()) if (!run.open) this.outbound.notifyParent(run, run.closing!)
    for (const run of this.dir.all()) if (!run.open) void applyParentClose(this.parentClose, run)
    // A crash between a continue-as-new and its next run's start: the next run starts now (once).
    for (const run of this.dir.all())
      if (run.closing?.type === 'WorkflowContinuedAsNew') await this.continueRun(run, run.closing)
    // Children that waited for a worker before the restart wait again (or start, if one serves now).
    for (const run of this.dir.all()) this.outbound.recoverPending(run)
    await this.startPendingChildren()
    return report
  }

  /** How recovery opens a run's history (run-recovery.ts). */
  private get recovery(): RecoveryHost {
    return {
      damaged: this.damaged,
      newRun: (runKey, events) => this.newRun(runKey, events),
      ...(this.options.onDamaged ? {onDamaged: this.options.onDamaged} : {}),
      rearm: (run) => this.timers.rearm(run),
      residency: this.residency,
      runs: () => this.dir.all(),
      ...(this.options.settledLength ? {settledLength: this.options.settledLength} : {}),
      store: this.options.store,
    }
  }

  /**
   * Repairs a quarantined run (see `history/damage.ts`): keeps a copy of its file, cuts the
   * history back to its last good event and recovers it like any run at start.
   * @throws WippyError `WIPPY_RUN_NOT_DAMAGED` when the run is not quarantined.
   */
  async repair(query: string): Promise<RepairResult & {summary?: RunSummary}> {
    const damaged = this.damaged.find(query)
    if (!damaged) {
      const run = this.dir.resolve(query)
      throw new WippyError(
        'WIPPY_RUN_NOT_DAMAGED',
        `Workflow ${run.identity.workflowId} is not damaged; there is nothing to repair.`,
        {
          hint: 'List damaged runs with `wippy ps --status damaged`.',
          kind: 'usage',
        },
      )
    }
    const {events: _events, ...result} = await repairHistoryFile(this.options.store.dir, damaged.runKey)
    this.damaged.delete(damaged.runKey)
    if (result.removed) return result
    await recoverRun(this.recovery, damaged.runKey)
    const run = this.dir.exact(damaged.pid) ?? this.dir.resolve(damaged.runKey)
    if (!run.open) this.outbound.notifyParent(run, run.closing!)
    return {...result, summary: summarizeRun(run)}
  }

  /** The quarantined run a query names, if it names one (and no healthy run). */
  damagedRun(query: string): DamagedRun | undefined {
    return this.findRun(query) ? undefined : this.damaged.find(query)
  }

  /** Starts a workflow run, or returns the running one with the same explicit ID (run-starts.ts). */
  start(request: StartRequest): Promise<{pid: string; workflowId: string; existing: boolean}> {
    return this.starts.start(request)
  }

  /**
   * Delivers a signal (a message on `topic`) to a workflow. Durable once this resolves. A
   * run blocked by its code refuses it (the user is told why) unless `queueIfBlocked`: a signal from
   * another workflow is then recorded as queued and handed over once the run is unblocked
   * (queued deliveries replay like live ones, so this never makes the run unreplayable).
   */
  async signal(
    pid: string,
    topic: string,
    payload: unknown[],
    from = '',
    signalId?: string,
    queueIfBlocked = false,
  ): Promise<void> {
    const run = await this.currentRun(pid)
    if (!run.open) throw closedError(run, 'signal')
    if (refusesDeliveries(run, queueIfBlocked)) throw blockedRunError(run, 'signal')
    checkPayload(payload, 'signal payload')
    await this.residency.withLoaded(run, async () => {
      // Blocked while it loaded: refused too.
      if (refusesDeliveries(run, queueIfBlocked)) throw blockedRunError(run, 'signal')
      if (signalId && run.events.some((e) => e.type === 'SignalReceived' && e.signalId === signalId)) return
      await run.deliver({from, payload, topic, ts: run.now(), type: 'SignalReceived', ...(signalId ? {signalId} : {})})
    })
  }

  /** Requests cancellation: the run gets a CANCEL event on `process.events()` and decides. */
  async cancel(pid: string, reason = 'cancelled', from = '', queueIfBlocked = false): Promise<void> {
    const run = await this.currentRun(pid)
    if (!run.open) throw closedError(run, 'cancel')
    if (refusesDeliveries(run, queueIfBlocked)) throw blockedRunError(run, 'cancel')
    await this.residency.withLoaded(run, async () => {
      if (refusesDeliveries(run, queueIfBlocked)) throw blockedRunError(run, 'cancel')
      await run.deliver({from, reason, ts: run.now(), type: 'CancelRequested'})
    })
  }

  /** Ends a run at once; recorded as WorkflowTerminated. */
  async terminate(pid: string, reason = 'terminated'): Promise<void> {
    const run = await this.currentRun(pid)
    if (!run.open) throw closedError(run, 'terminate')
    await this.residency.withLoaded(run, () => run.close({reason, ts: run.now(), type: 'WorkflowTerminated'}))
  }

  /** Moves a run's virtual clock forward; due timers fire at once. Recorded in its history. */
  async skipTime(pid: string, by: number | 'next-timer'): Promise<{skippedMs: number; now: number}> {
    const run = this.requireRun(pid)
    if (!run.open) throw closedError(run, 'skip time of')
    return this.residency.withLoaded(run, async () => {
      let byMs = by === 'next-timer' ? 0 : by
      if (by === 'next-timer') {
        // Its execution/run timeout counts as a timer: a skip never jumps past it unseen.
        const at = earliest(nextTimerAt(run.outstanding), this.timers.deadline(run)?.at)
        if (at === undefined) {
          throw new WippyError('WIPPY_NO_TIMER', `Workflow ${pid} has no pending timer.`, {
            hint: 'Use --by DURATION to move its clock anyway.',
            kind: 'user',
          })
        }
        byMs = Math.max(0, at - run.now())
      }
      await run.record({byMs, ts: run.now() + byMs, type: 'TimeSkipped'})
      this.timers.rearm(run)
      this.afterChange(run)
      return {now: run.now(), skippedMs: byMs}
    })
  }

  /** Rebuilds a run's VM on the code `code()` gives it now (after a compatible reload). */
  async reloadCode(pid: string): Promise<void> {
    const run = this.requireRun(pid)
    if (!run.open || !run.loaded) return
    await run.serial(() => run.unload())
    await this.residency.load(run)
  }

  /**
   * A blocked run of code the reload changed replays cleanly on the new code: it loads again
   * (from its file) and goes on. If it still does not fit, it is blocked again with the new reason.
   */
  async unblockRun(pid: string): Promise<void> {
    const run = this.requireRun(pid)
    if (!run.open || run.status !== 'blocked') return
    this.retries.forget(run)
    await this.residency.reloadFromDisk(run)
  }

  /** Replaces a blocked run's reason (a reload re-checked it against new code, which also diverges). */
  reblock(pid: string, problem: Error): void {
    const run = this.requireRun(pid)
    if (run.status !== 'blocked' || run.blockKind === 'host') return
    run.problem = problem
    this.afterChange(run)
  }

  /** Blocks an unloaded run now (recovery found that its code does not replay it). */
  blockRun(pid: string, problem: Error): void {
    const run = this.requireRun(pid)
    if (!run.open || run.status === 'blocked') return
    this.residency.cancelEviction(run)
    run.block(problem)
    this.afterChange(run)
  }

  /** Marks (or clears) a run a reload left on old code, for `ps` and the status stream. */
  setOldCode(pid: string, oldCode: WorkflowRun['oldCode']): void {
    const run = this.requireRun(pid)
    if (oldCode) run.oldCode = oldCode
    else delete run.oldCode
    this.afterChange(run)
  }

  /** What `wait` answers: the run's close, or a block by its code (see run-waiters.ts). */
  async waitForCloseOrBlock(pid: string): Promise<{closing: HistoryEvent} | {problem: Error}> {
    return this.waiters.forCloseOrBlock(await this.currentRun(pid))
  }

  /** Resolves when the run closes, with its closing event. */
  async waitForClose(pid: string): Promise<HistoryEvent> {
    return this.waiters.forClose(await this.currentRun(pid))
  }

  /** The recorded history of a run (read from disk when the run is evicted). */
  async history(pid: string): Promise<HistoryEvent[]> {
    const run = this.requireRun(pid)
    if (!run.evicted) return [...run.events]
    return (
      await this.options.store.read(run.identity.runKey).catch((error: unknown) => this.quarantineLive(run, error))
    ).events
  }

  /**
   * An evicted run whose file turned out damaged when it was read again (edited, or bit rot,
   * while the server ran): quarantined like at start, its timers and activities dropped.
   * @throws WippyError `WIPPY_RUN_DAMAGED`, or `error` when the file is not damaged after all.
   */
  private async quarantineLive(run: WorkflowRun, error: unknown): Promise<never> {
    const quarantined = await quarantineOf(this.options.store.pathOf(run.identity.runKey), run.identity.runKey)
    if (!quarantined) throw error
    this.timers.clearRun(run)
    this.activities.abandonRun(run)
    this.residency.cancelEviction(run)
    this.dir.remove(run)
    this.damaged.add(quarantined)
    this.options.onDamaged?.(run.identity.runKey)
    this.options.onChange?.(summarizeDamaged(quarantined))
    throw runDamagedError(quarantined)
  }

  list(): RunSummary[] {
    return [...this.dir.all().map((run) => this.summary(run)), ...this.damaged.summaries()]
  }

  private summary(run: WorkflowRun): RunSummary {
    const retryAt = this.retries.nextAt(run) ?? this.storageRetry.nextAt(run)
    const pending = run.open ? this.outbound.pending.ofParent(run.identity.pid).map(pendingNote) : []
    return summarizeRun(run, {...(retryAt === undefined ? {} : {retryAt}), ...(pending.length ? {pending} : {})})
  }

  /** After a reload: starts the children waiting for a worker on a queue that is now served. */
  async startPendingChildren(): Promise<void> {
    // Their parents' rows lose the "waiting for a worker" note: tell the status stream.
    for (const pid of await this.outbound.startPending()) {
      const parent = this.exactRun(pid)
      if (parent) this.options.onChange?.(this.summary(parent))
    }
  }

  /** Finds a run by PID, workflow ID or unique prefix (and `runId`, see `RunDirectory.resolve`); throws a WippyError otherwise (WIPPY_RUN_DAMAGED for a quarantined one). */
  requireRun(query: string, runId?: string): WorkflowRun {
    try {
      return this.dir.resolve(query, runId)
    } catch (error) {
      const unknown = (error as WippyError).code === 'WIPPY_PID_UNKNOWN'
      const damaged = unknown ? this.damaged.find(runId === undefined ? query : `${query}~${runId}`) : undefined
      throw damaged ? runDamagedError(damaged) : error
    }
  }

  /** The run with this exact PID or workflow ID: how code (not users) names a workflow. */
  exactRun(target: string): WorkflowRun | undefined {
    return this.dir.exact(target)
  }

  findRun(query: string): WorkflowRun | undefined {
    try {
      return this.dir.resolve(query)
    } catch {
      return undefined
    }
  }

  /** Stops timers and activities, flushes and closes every history file. */
  async close(): Promise<void> {
    this.closed = true
    this.retries.clear()
    this.storageRetry.clear()
    this.timers.clear()
    this.activities.stop()
    await this.residency.close(this.dir.all())
  }

  private newRun(runKey: string, events: HistoryEvent[]): WorkflowRun {
    const started = events[0] as EventOf<'WorkflowStarted'>
    const ctx: RunContext = {
      append: async (batch, limits) => {
        const written = await this.residency.logOf(runKey).append(batch, limits)
        // Its file takes writes again: a parked run's retry is moot.
        this.storageRetry.cancel(run)
        this.options.onHistory?.(started.pid, written)
        return written
      },
      blocked: (blockedRun) => this.onBlocked(blockedRun),
      live: this.live,
      realNow: this.realNow,
      warn: (message) => this.options.log?.(started.pid, 'warn', message),
      ...(this.options.historyLimits ? {limits: this.options.historyLimits} : {}),
    }
    const run = new WorkflowRun(
      {entry: started.entry, pid: started.pid, runKey, workflowId: started.workflowId},
      ctx,
      events,
    )
    this.dir.add(run)
    this.timers.armDeadline(run)
    return run
  }

  /**
   * Hands a timer or activity outcome to its run. A blocked run (its code diverges from its
   * history) gets nothing: its history stays as it was until the code is fixed or the run
   * forked, and a restart re-arms what is still pending.
   */
  private async wake(run: WorkflowRun, event: NewHistoryEvent): Promise<void> {
    if (!run.open || this.closed || run.status === 'blocked') return
    // Not recorded when the append fails: replay after the retry re-arms the timer / re-runs the activity.
    await this.residency
      .withLoaded(run, () => run.deliver(boundedActivityOutcome(event), (r) => r.status !== 'blocked'))
      .catch(() => {})
  }

  /** A run was just blocked: a host fault is retried (its waiters wait on); code blocks tell waiters why. */
  private onBlocked(run: WorkflowRun): void {
    if (run.blockKind === 'host') {
      if (this.closed) return
      // A storage failure has its own retry (storage-retry.ts: reopen the file and replay);
      // one retry per run at a time, so the two never race on one run.
      if (run.storageFailed) {
        this.retries.forget(run)
        this.storageRetry.park(run)
      } else this.retries.schedule(run)
      return
    }
    this.waiters.blocked(run.identity.runKey, run.problem!)
  }

  private async retryBlocked(run: WorkflowRun): Promise<void> {
    if (this.closed || !run.open || run.status !== 'blocked' || run.blockKind !== 'host')
      return this.retries.forget(run)
    await this.residency.reloadFromDisk(run)
    if (run.status !== 'blocked') this.retries.forget(run)
  }

  /** What the parent close policy needs (parent-close.ts). */
  private get parentClose(): ParentCloseHost {
    return {
      cancel: (pid, reason, from, queueIfBlocked) => this.cancel(pid, reason, from, queueIfBlocked),
      exactRun: (pid) => this.exactRun(pid),
      history: (pid) => this.history(pid),
      terminate: (pid, reason) => this.terminate(pid, reason),
      warn: (pid, message) => this.options.log?.(pid, 'warn', message),
    }
  }

  /** A Warning (an option not honoured here): in the dev log, and in the run's history (role meta: replay skips it). */
  private async recordWarning(run: WorkflowRun, option: string, message: string): Promise<void> {
    this.options.log?.(run.identity.pid, 'warn', message)
    if (!run.open || this.closed) return
    await this.residency
      .withLoaded(run, () => run.record({message, option, ts: run.now(), type: 'Warning'}))
      .catch(() => {})
  }

  private fireTimer(run: WorkflowRun, seq: number): void {
    if (seq === DEADLINE_SEQ) void this.timeOut(run).catch(() => {})
    else void this.wake(run, {started: seq, ts: run.now(), type: 'TimerFired'})
  }

  /**
   * The run's clock passed its execution or run timeout: it is closed as WorkflowTimedOut
   * (Temporal's WorkflowExecutionTimedOut), its children and activities left as a terminate
   * leaves them. A blocked run times out too: its code never runs again in this execution.
   */
  private async timeOut(run: WorkflowRun): Promise<void> {
    const deadline = this.timers.deadline(run)
    if (!run.open || this.closed || !deadline) return
    const reason = `workflow ${deadline.timeout} timeout (${formatDurationMs(deadline.ms)}) passed`
    await this.residency.withLoaded(run, () =>
      run.close({reason, timeout: deadline.timeout, ts: run.now(), type: 'WorkflowTimedOut'}),
    )
  }

  private afterChange(run: WorkflowRun): void {
    if (!this.dir.has(run)) return // quarantined meanwhile (see quarantineLive)
    this.options.onChange?.(this.summary(run))
    this.residency.scheduleEviction(run)
    if (this.options.virtualTime) this.skipIfOnlyTimers(run)
  }

  private skipIfOnlyTimers(run: WorkflowRun): void {
    setImmediate(() => {
      const out = run.outstanding
      if (
        this.closed ||
        !run.open ||
        run.busy ||
        run.status === 'blocked' ||
        out.activities.size > 0 ||
        out.timers.size === 0
      )
        return
      void this.skipTime(run.identity.pid, 'next-timer').catch(() => {})
    })
  }

  /** Starts the next run of a run that continued as new; its waiters move to it (run-starts.ts). */
  private continueRun(run: WorkflowRun, closing: EventOf<'WorkflowContinuedAsNew'>): Promise<void> {
    const next = runKeyOf(run.identity.workflowId, closing.newRunId)
    this.waiters.moved(run.identity.runKey, next)
    const started = this.starts.continueAsNew(run, closing).catch((error: unknown) => {
      this.options.log?.(run.identity.pid, 'error', `continue-as-new failed: ${(error as Error).message}`)
      // Nothing will close the next run: those waiting hear how this one ended.
      this.waiters.closed(next, closing)
    })
    const done = started.finally(() => this.continuing.delete(run.identity.runKey))
    this.continuing.set(run.identity.runKey, done)
    return done
  }

  /**
   * The run a query names, once a continue-as-new under way has started the next run: what a
   * signal, cancel, terminate or wait by workflow ID or PID reaches (the newest run).
   */
  private async currentRun(query: string): Promise<WorkflowRun> {
    let run = this.requireRun(query)
    for (let pending = this.continuing.get(run.identity.runKey); pending;) {
      await pending
      const next = this.requireRun(run.identity.pid)
      if (next === run) break
      run = next
      pending = this.continuing.get(run.identity.runKey)
    }
    return run
  }

  private readonly live = liveCommandHandler({
    abandonActivity: (run, seq) => this.activities.abandon(run, seq),
    armTimer: (run, seq, fireAt) => this.timers.arm(run, seq, fireAt),
    closed: (run, event) => {
      this.timers.clearRun(run)
      this.activities.abandonRun(run)
      if (event.type === 'WorkflowContinuedAsNew') {
        this.retries.forget(run)
        this.options.onChange?.(this.summary(run))
        void this.continueRun(run, event)
        return
      }
      this.waiters.closed(run.identity.runKey, event)
      this.retries.forget(run)
      this.outbound.notifyParent(run, event)
      // Its children still waiting for a worker are not started (Temporal's TERMINATE parent-close policy).
      this.outbound.pending.dropOfParent(run.identity.pid)
      this.options.onChange?.(this.summary(run))
      void applyParentClose(this.parentClose, run)
    },
    control: (run, action, target, reason) => this.outbound.control(run, action, target, reason),
    disarmTimer: (run, seq) => this.timers.disarm(run, seq),
    env: (key) => this.options.env?.(key),
    isWorkflowEntry: (entry) => this.options.code(entry) !== undefined,
    log: (run, level, message, fields) => this.options.log?.(run.identity.pid, level, message, fields),
    newRunId: () => newRunId(this.random),
    signal: (run, request) => this.outbound.signal(run, request),
    startActivity: (run, event) => this.activities.start(run, event),
    startChild: (run, request) => this.outbound.startChild(run, request),
    uuid: (version) => this.options.uuid?.(version) ?? crypto.randomUUID(),
  })
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b)
}

export function closedError(run: WorkflowRun, verb: string): WippyError {
  return new WippyError(
    'WIPPY_WORKFLOW_CLOSED',
    `Can't ${verb} workflow ${run.identity.pid}: it has already ${run.status}.`,
    {
      hint: 'Check its state with `wippy ps --all` or `wippy history inspect`.',
    },
  )
}

/**
 * Whether a delivery from the CLI must be refused: a run blocked by its code would only grow a
 * history it cannot replay yet. A host fault is no reason: a storage failure is retried by the
 * delivery itself (which then fails with the storage error, or goes through), and anything
 * else is recorded as queued and replays like a live delivery.
 */
function refusesDeliveries(run: WorkflowRun, queueIfBlocked: boolean): boolean {
  return run.status === 'blocked' && run.blockKind !== 'host' && !run.storageFailed && !queueIfBlocked
}
