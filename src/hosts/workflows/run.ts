/**
 * One durable workflow run: a Lua program driven against its history.
 *
 * Live and replay share one path (like Temporal's Activator): the program issues commands;
 * live, each is turned into a recorded event (`live-commands.ts`); replaying, each is
 * compared with the recorded one and answered from it. Deliveries (results, timers,
 * signals) come from new events live and from recorded events in replay.
 *
 * Durability rules (what is at-least-once and what is exactly-once):
 * - Events are buffered and appended in one batch per pump; the batch is fsynced before
 *   any effect outside the run happens (an activity starts, a timer is armed, a signal is
 *   sent, a child starts, a waiter hears of completion). A result may be handed to the Lua
 *   code before its fsync: if the engine dies first, nothing outside saw what the code did
 *   with it, and replay re-creates the same state.
 * - Recorded results are exactly-once: replay returns them and never runs the work again.
 * - Activity execution is at-least-once: a crash after a function ran but before its
 *   result was fsynced runs it again on recovery. Each activity gets a stable idempotency
 *   key (`<workflow id>:<seq>`) in its context for that reason.
 *
 * Invariant: every mutation of a run goes through `exclusive()`/`serial()`, so events are
 * appended in the order they are handed to the code.
 *
 * Nothing is acknowledged that is not durable: `deliver`, `record` and `close` reject with the
 * storage error when their event's append fails (disk full, too many open files, a deleted
 * file). The run is then parked as blocked with `storageFailed` set; none of the failed batch
 * is in the file (the committer cut it away), and the host reopens and replays the run from
 * its file on the next request or retry, so what the code saw of the lost batch is redone.
 * A signal refused that way is not recorded (exactly-once for the caller who retries).
 */
import {type EventOf, type HistoryEvent, type NewHistoryEvent, isClosingEvent} from '../../history/events.js'
import {recordToJson} from '../../history/value-forms.js'
import {capReason, type HistoryLimits, HistoryLimitError} from '../../history/history-cap.js'
import {payloadProblem} from '../../history/payload-limits.js'
import {isStorageFailure} from '../../history/storage-errors.js'
import type {LuaCommand, LuaDelivery, LuaErrorValue, LuaProgram, StepOutcome} from '../../lua/types.js'
import {HOST_MEMORY_KIND} from '../../lua/vm/limits.js'
import {
  type CommandIdentity,
  type EventIntent,
  describeIdentity,
  identityOfEvent,
  sameIdentity,
} from './event-identity.js'
import {arrivalDelivery, immediateResult} from './deliveries.js'
import {type BlockKind, blockKindOf} from './block-reason.js'
import {describeMismatch, nondeterminismError} from './nondeterminism.js'
import {type Outstanding, applyToOutstanding, outstandingOf} from '../../history/outstanding.js'
import {type RunStatus, closedStatusOf, workflowClock} from '../../history/run-view.js'
import {ReplayCursor} from './replay-cursor.js'
import {ChangeVersions, type VersionCall, changeIdOfMarker, checkVersion} from './change-versions.js'

export type {RunStatus} from '../../history/run-view.js'

/** What a run needs from its host. The run never touches files, VMs or timers' owners directly. */
export interface RunContext {
  /** Appends events durably (resolves after fsync); returns them with their seq. With `limits`, refuses to pass them. */
  append(events: NewHistoryEvent[], limits?: HistoryLimits): Promise<HistoryEvent[]>
  /** The history cap (see history-cap.ts); none when undefined. */
  limits?: HistoryLimits
  /** A warning for the run's log (the history is getting long). */
  warn?(message: string): void
  /** Handles one command that needs the world (activity, timer, child, signal...). */
  live: LiveCommandHandler
  /** Real time, ms. */
  realNow(): number
  /** The run was just parked as blocked (its `problem` says why). */
  blocked?(run: WorkflowRun): void
}

/**
 * What one command means to a run (see live-commands.ts): recorded, or answered at once.
 * A recorded plan's `intent()` is the event the code asks for, compared on replay; live,
 * `record(seq)` builds the same intent and completes it, performing the effect.
 */
export type CommandPlan =
  | {answer(replaying: boolean): LuaDelivery; recorded: false}
  | {
      /** `process.upgrade` (continue-as-new): the closing event the run ends with, at workflow time `ts`. */
      closing(ts: number): NewHistoryEvent
      recorded: 'close'
    }
  | {
      intent(): EventIntent
      outward: boolean
      record(seq: number): Promise<NewHistoryEvent>
      recorded: true
      /** Set for `workflow.version`: answered from the run's change versions when it can be. */
      version?: VersionCall
    }

export interface LiveCommandHandler {
  /** What `cmd` means: its recorded event (`outward`: recording reaches outside the run, so flush first) or its answer. */
  plan(run: WorkflowRun, cmd: LuaCommand): CommandPlan
  /** After the batch holding `event` is durable: start what it asks for (activity, timer). */
  activate(run: WorkflowRun, event: HistoryEvent): void
  /** The run closed (its closing event is durable). */
  closed(run: WorkflowRun, event: HistoryEvent): void
}

export interface RunIdentity {
  entry: string
  pid: string
  runKey: string
  workflowId: string
}

export class WorkflowRun {
  readonly identity: RunIdentity
  /** The full history while loaded (empty after eviction). */
  events: HistoryEvent[] = []
  outstanding: Outstanding
  status: RunStatus = 'running'
  /** Set when the run is blocked: why (non-determinism) or failed to load. */
  problem?: Error
  /** Whether the code or the host is to blame for the block (see block-reason.ts). */
  blockKind?: BlockKind
  /** Set while a reload left the run on code older than the registry's (see engine/reload.ts). */
  oldCode?: {divergence: string; forkCommand?: string}
  /** Blocked because an append or open failed: reopen the file and replay to go on. */
  storageFailed = false
  closing?: HistoryEvent
  /** Events replayed at the last load (for the status stream). */
  replayedEvents = 0
  /** Host operations that need the VM loaded (the idle evictor leaves a held run alone). */
  holds = 0
  /** True while the run's code or history is being worked on (not settled in a wait). */
  busy = false
  /** When the run started (kept after eviction). */
  readonly startedAt: number
  /** `WorkflowStarted.codeHash`: the code version it started on (kept after eviction). */
  readonly startedCodeHash: string
  /**
   * The seq of the last event the code has seen (issued or handed to it). What
   * `workflow.history_length()` says: replay reaches the same value at the same point.
   */
  seenSeq = 0
  /** What each `workflow.version` change ID resolved to (rebuilt by every replay). */
  readonly changeVersions = new ChangeVersions()

  private program?: LuaProgram
  private replay?: ReplayCursor
  private readonly immediate: LuaDelivery[] = []
  /** Deliveries waiting for the code, with the seq of their recorded event. */
  private readonly arrivals: Array<{delivery: LuaDelivery; seq: number}> = []
  private buffer: NewHistoryEvent[] = []
  private bufferedSince = 0
  private toActivate: HistoryEvent[] = []
  private readonly tagBySeq = new Map<number, number>()
  private readonly seqByTag = new Map<number, number>()
  private chain: Promise<void> = Promise.resolve()
  private persisted = 0
  /** Set once the code closed the run by a command (process.upgrade). */
  private closedByCode = false

  constructor(
    identity: RunIdentity,
    private readonly ctx: RunContext,
    events: HistoryEvent[],
  ) {
    this.identity = identity
    this.events = events
    this.persisted = events.length
    this.outstanding = outstandingOf(events)
    this.startedAt = events[0]?.ts ?? 0
    this.startedCodeHash = (events[0] as EventOf<'WorkflowStarted'> | undefined)?.codeHash ?? ''
    const last = events.at(-1)
    if (last && isClosingEvent(last)) {
      this.closing = last
      this.status = closedStatusOf(last)!
    }
  }

  get loaded(): boolean {
    return this.program !== undefined
  }

  get open(): boolean {
    return this.closing === undefined
  }

  get started(): EventOf<'WorkflowStarted'> {
    return this.events[0] as EventOf<'WorkflowStarted'>
  }

  /** The workflow clock: real time plus every recorded skip. */
  now(): number {
    return workflowClock(this.ctx.realNow(), this.outstanding.skippedMs)
  }

  /** The seq the next appended event will get. */
  nextSeq(): number {
    return this.persisted + this.buffer.length + 1
  }

  seqOfTag(tag: number): number | undefined {
    return this.seqByTag.get(tag)
  }

  eventAt(seq: number): HistoryEvent | undefined {
    if (seq <= this.events.length) return this.events[seq - 1]
    return undefined
  }

  /**
   * Runs `fn` after every earlier mutation of this run. An error parks the run as blocked and
   * rejects the returned promise, so a caller whose event was not made durable hears why.
   */
  exclusive(fn: () => Promise<void> | void): Promise<void> {
    const next = this.chain.then(async () => {
      this.busy = true
      try {
        await fn()
      } finally {
        this.busy = false
      }
    })
    this.chain = next.catch((error: unknown) => this.block(error as Error))
    return next
  }

  /** {@link exclusive} for background work: errors park the run as blocked, the promise resolves. */
  serial(fn: () => Promise<void> | void): Promise<void> {
    return this.exclusive(fn).catch(() => {})
  }

  /**
   * Loads the program and replays the whole history into it; the run then goes on live.
   * Throws (after parking the run as blocked) when the code diverges from the history.
   */
  async load(program: LuaProgram): Promise<void> {
    this.program = program
    this.closedByCode = false
    this.arrivals.length = 0
    this.immediate.length = 0
    this.tagBySeq.clear()
    this.seqByTag.clear()
    this.changeVersions.clear()
    this.replay = new ReplayCursor(this.events)
    this.replayedEvents = this.events.length
    this.seenSeq = 1
    const started = this.started
    await this.handleOutcome(program.start(started.input))
    await this.pump()
  }

  /**
   * Records an event that comes from outside the code (result, timer, signal, cancel) and
   * hands it over. `accept`, when given, is checked in turn with every other mutation (so
   * it sees every event recorded before this one) and can drop the event.
   */
  deliver(event: NewHistoryEvent, accept?: (run: WorkflowRun) => boolean): Promise<void> {
    return this.exclusive(async () => {
      if (!this.open || (accept && !accept(this))) return
      const seq = this.nextSeq()
      if (!this.program) {
        // Blocked: recorded durably as queued (no code saw it), handed over once the code is fixed.
        this.bufferEvent(asQueued(event))
        applyToOutstanding(this.outstanding, {...event, seq} as HistoryEvent)
        await this.flush()
        return
      }
      this.bufferEvent(event)
      applyToOutstanding(this.outstanding, {...event, seq} as HistoryEvent)
      const delivery = arrivalDelivery(
        {...event, seq} as HistoryEvent,
        (s) => this.tagBySeq.get(s),
        (s) => this.findEvent(s),
      )
      if (delivery) this.arrivals.push({delivery, seq})
      await this.pump()
    })
  }

  /** Records an event that changes no Lua state (a time skip); durable before it resolves. */
  record(event: NewHistoryEvent): Promise<void> {
    return this.exclusive(async () => {
      const seq = this.nextSeq()
      this.bufferEvent(event)
      applyToOutstanding(this.outstanding, {...event, seq} as HistoryEvent)
      await this.flush()
    })
  }

  /** Ends the run at once with a recorded closing event (terminate). */
  close(event: NewHistoryEvent): Promise<void> {
    return this.exclusive(async () => {
      if (!this.open) return
      this.bufferEvent(event)
      this.finish()
      await this.flush()
    })
  }

  /** Puts back the history of an evicted run (read from disk) before it is loaded again. */
  restore(events: HistoryEvent[]): void {
    this.events = events
    this.persisted = events.length
    this.outstanding = outstandingOf(events)
  }

  /** The file was reopened after a storage failure: start again from what it holds. */
  reopened(events: HistoryEvent[]): void {
    this.restore(events)
    this.toActivate = []
    this.storageFailed = false
    this.problem = undefined
    this.blockKind = undefined
    const last = events.at(-1)
    if (last && isClosingEvent(last)) {
      this.closing = last
      this.status = closedStatusOf(last)!
    } else this.status = 'running'
  }

  /** Events on disk (the history's length). */
  get historyLength(): number {
    return this.persisted
  }

  get evicted(): boolean {
    return this.events.length === 0
  }

  /** Closes the VM but keeps the history in memory (the code is about to change). */
  unload(): void {
    this.program?.close()
    this.program = undefined
    this.tagBySeq.clear()
    this.seqByTag.clear()
  }

  /** Drops the VM of an idle run; the history stays on disk and is replayed on wake-up. */
  evict(): void {
    this.program?.close()
    this.program = undefined
    this.events = []
    this.tagBySeq.clear()
    this.seqByTag.clear()
  }

  /** Marks the run blocked (non-determinism, a load or storage failure); the history is untouched. */
  block(error: Error): void {
    this.problem = error
    this.blockKind = blockKindOf(error)
    if (isStorageFailure(error)) this.storageFailed = true
    this.program?.close()
    this.program = undefined
    this.replay = undefined
    this.buffer = []
    // What was handed over but not recorded is handed over again by the next replay.
    this.arrivals.length = 0
    this.immediate.length = 0
    this.toActivate = []
    if (!this.open) return
    this.status = 'blocked'
    this.ctx.blocked?.(this)
  }

  /** Lets a blocked run be loaded again (a reload fixed its code, or a host fault is retried). */
  unblock(): void {
    this.problem = undefined
    this.blockKind = undefined
    if (this.open && this.status === 'blocked') this.status = 'running'
  }

  private async pump(): Promise<void> {
    while (this.program && this.open) {
      const deliveries = this.nextDeliveries()
      if (!deliveries) break
      await this.handleOutcome(this.program.step(deliveries))
    }
    await this.flush()
  }

  private nextDeliveries(): LuaDelivery[] | undefined {
    if (this.immediate.length > 0) return this.immediate.splice(0)
    if (this.replay) {
      const replay = this.replay
      const next = replay.peekDelivery()
      const unmatchedCommand = () =>
        replay.unmatchedCommandBeforeNextDelivery() ?? (next ? undefined : replay.peekCommand())
      let unmatched = unmatchedCommand()
      // Version markers the waiting code no longer issues are tolerated (see change-versions.ts).
      for (; changeIdOfMarker(unmatched) !== undefined; unmatched = unmatchedCommand()) {
        this.changeVersions.skipped(replay.takeCommand(), this.identity.pid)
      }
      if (unmatched) {
        throw nondeterminismError({
          eventIndex: unmatched.seq,
          expected: describeEvent(unmatched),
          got: 'no command (the code is waiting)',
          pid: this.identity.pid,
        })
      }
      if (!next) {
        this.finishReplay()
        return this.nextDeliveries()
      }
      this.replay.takeDelivery()
      this.seenSeq = next.seq
      return [
        arrivalDelivery(
          next,
          (s) => this.tagBySeq.get(s),
          (s) => this.findEvent(s),
        )!,
      ]
    }
    const arrival = this.arrivals.shift()
    if (!arrival) return undefined
    this.seenSeq = arrival.seq
    return [arrival.delivery]
  }

  private async handleOutcome(outcome: StepOutcome): Promise<void> {
    // The host's shared memory budget failed, not the workflow: park the run before any of
    // the step's commands is buffered (history untouched) instead of recording a permanent
    // WorkflowFailed; a restart or reload replays it.
    if (outcome.status === 'failed' && outcome.error.kind === HOST_MEMORY_KIND) throw new Error(outcome.error.message)
    for (const cmd of outcome.commands) {
      await this.handleCommand(cmd)
      // The code closed the run (process.upgrade): what it issued after is never recorded.
      if (this.closedByCode) return
    }
    if (outcome.status === 'waiting') return
    if (this.replay) this.changeVersions.skipMarkers(this.replay, this.identity.pid)
    // Queued deliveries the code never read: it closed before they arrived, as it could live.
    if (this.replay && !this.replay.exhausted && !this.replay.onlyQueuedLeft) {
      const next = this.replay.peekCommand() ?? this.replay.peekDelivery()!
      throw nondeterminismError({
        eventIndex: next.seq,
        expected: describeEvent(next),
        got: `the workflow ${outcome.status === 'done' ? 'returning' : 'failing'}`,
        pid: this.identity.pid,
      })
    }
    this.replay = undefined
    if (!this.open) return
    const ts = this.now()
    // A result that could not be replayed into a parent (too deep, cyclic, too big) fails the run.
    const tooBig =
      outcome.status === 'done' && !outcome.error
        ? payloadProblem([outcome.result ?? null], 'workflow result')
        : undefined
    if (tooBig) {
      this.bufferEvent({
        error: {kind: 'PayloadTooLarge', message: tooBig.message, retryable: false},
        ts,
        type: 'WorkflowFailed',
      })
    } else if (outcome.status === 'failed') {
      this.bufferEvent({error: outcome.error, ts, type: 'WorkflowFailed'})
    } else if (outcome.error) {
      this.bufferEvent({error: outcome.error, ts, type: 'WorkflowFailed'})
    } else {
      this.bufferEvent({result: outcome.result ?? null, ts, type: 'WorkflowCompleted'})
    }
    this.finish()
  }

  private async handleCommand(cmd: LuaCommand): Promise<void> {
    const plan = this.ctx.live.plan(this, cmd)
    if (!plan.recorded) {
      this.immediate.push(plan.answer(this.replay !== undefined))
      return
    }
    if (plan.recorded === 'close') return this.closeByCode(cmd, plan.closing)
    // Every intent is a command event, so it has an identity.
    const identity = identityOfEvent(plan.intent())!
    if (plan.version && this.resolveVersion(cmd, plan.version, identity)) return
    if (this.replay) {
      this.changeVersions.skipMarkers(this.replay, this.identity.pid)
      const recorded = this.replay.peekCommand()
      if (recorded) return this.matchRecorded(cmd, identity)
      const pending = this.replay.peekDelivery()
      if (pending && this.replay.onlyQueuedLeft) {
        this.releaseQueued()
      } else if (pending) {
        throw nondeterminismError({
          eventIndex: pending.seq,
          expected: `no new command before ${describeEvent(pending)}`,
          got: describeIdentity(identity),
          pid: this.identity.pid,
          ...(cmd.where ? {where: cmd.where} : {}),
        })
      } else {
        this.finishReplay()
      }
    }
    if (plan.outward) await this.flush()
    // The flush may have ended the run (history cap): nothing is recorded after its closing event.
    if (!this.open) return
    const seq = this.nextSeq()
    const event = await plan.record(seq)
    this.seenSeq = seq
    this.bind(cmd.tag, seq)
    this.bufferEvent(event)
    const full = {...event, seq} as HistoryEvent
    applyToOutstanding(this.outstanding, full)
    const result = immediateResult(full, cmd.tag)
    if (result) this.immediate.push(result)
    this.toActivate.push(full)
  }

  /**
   * The code ends the run with a closing event of its own (`process.upgrade`: continue-as-new),
   * as a return does: replay must have reached the end of the history (queued deliveries aside).
   */
  private closeByCode(cmd: LuaCommand, closing: (ts: number) => NewHistoryEvent): void {
    if (this.replay) {
      this.changeVersions.skipMarkers(this.replay, this.identity.pid)
      if (!this.replay.exhausted && !this.replay.onlyQueuedLeft) {
        const next = this.replay.peekCommand() ?? this.replay.peekDelivery()!
        throw nondeterminismError({
          eventIndex: next.seq,
          expected: describeEvent(next),
          got: 'process.upgrade (continue as new)',
          pid: this.identity.pid,
          ...(cmd.where ? {where: cmd.where} : {}),
        })
      }
      this.replay = undefined
    }
    this.closedByCode = true
    if (!this.open) return
    this.bufferEvent(closing(this.now()))
    this.finish()
  }

  private matchRecorded(cmd: LuaCommand, identity: CommandIdentity): void {
    const recorded = this.replay!.takeCommand()
    const recordedIdentity = identityOfEvent(recorded)
    if (!recordedIdentity || !sameIdentity(identity, recordedIdentity)) {
      const described = recordedIdentity
        ? describeMismatch(recordedIdentity, identity)
        : {expected: describeEvent(recorded), got: describeIdentity(identity)}
      throw nondeterminismError({
        eventIndex: recorded.seq,
        ...described,
        pid: this.identity.pid,
        ...(cmd.where ? {where: cmd.where} : {}),
      })
    }
    this.seenSeq = recorded.seq
    this.bind(cmd.tag, recorded.seq)
    const result = immediateResult(recorded, cmd.tag)
    if (result) this.immediate.push(result)
  }

  /**
   * `workflow.version` (see change-versions.ts): answers a change ID already resolved, a marker
   * recorded here, or the default version where the history goes on without one. False when
   * the call is live and its marker (holding `max`) is to be recorded.
   */
  private resolveVersion(cmd: LuaCommand, call: VersionCall, identity: CommandIdentity): boolean {
    const resolved = this.changeVersions.resolve(call, this.replay, this.identity.pid, this.seenSeq)
    const version = resolved?.version ?? call.max
    const eventIndex = resolved?.eventIndex ?? this.nextSeq()
    checkVersion(call, version, {eventIndex, pid: this.identity.pid, ...(cmd.where ? {where: cmd.where} : {})})
    this.changeVersions.set(call.changeId, version)
    if (!resolved) return false
    if (resolved.take) this.matchRecorded(cmd, identity)
    else this.immediate.push({kind: 'result', tag: cmd.tag, value: version})
    return true
  }

  /** Replay caught up with the history: what was pending when it was written starts again. */
  private finishReplay(): void {
    this.replay = undefined
    for (const activity of this.outstanding.activities.values()) this.toActivate.push(this.events[activity.seq - 1]!)
    for (const seq of this.outstanding.timers.keys()) this.toActivate.push(this.events[seq - 1]!)
  }

  /**
   * The code issues a new command and only queued deliveries are left (see replay-cursor.ts):
   * the run goes live, and they wait for the code as live arrivals do, in recorded order.
   */
  private releaseQueued(): void {
    for (const event of this.replay!.takeRemainingDeliveries()) {
      const delivery = arrivalDelivery(
        event,
        (s) => this.tagBySeq.get(s),
        (s) => this.findEvent(s),
      )
      if (delivery) this.arrivals.push({delivery, seq: event.seq})
    }
    this.finishReplay()
  }

  private bind(tag: number, seq: number): void {
    this.tagBySeq.set(seq, tag)
    this.seqByTag.set(tag, seq)
  }

  private bufferEvent(event: NewHistoryEvent): void {
    if (this.buffer.length === 0) this.bufferedSince = this.ctx.realNow()
    this.buffer.push(event)
  }

  private finish(): void {
    this.program?.close()
    this.program = undefined
    this.arrivals.length = 0
    this.immediate.length = 0
  }

  /** Appends the buffered events (one fsync), then starts what they ask for. */
  private async flush(): Promise<void> {
    if (this.closing) {
      this.buffer = []
      this.toActivate = []
      return
    }
    if (this.buffer.length === 0 && this.toActivate.length === 0) return
    const batch = this.buffer
    this.buffer = []
    if (batch.length > 0) {
      const written = await this.appendCapped(batch)
      if (written[0] && written[0].seq !== this.persisted + 1) {
        throw new Error(`history seq mismatch: expected ${this.persisted + 1}, store wrote ${written[0].seq}`)
      }
      const warnAt = this.ctx.limits?.warnEvents
      if (warnAt !== undefined && this.persisted < warnAt && this.persisted + written.length >= warnAt) {
        this.ctx.warn?.(
          `history of ${this.identity.workflowId} has ${this.persisted + written.length} events (the cap is ${this.ctx.limits!.maxEvents}); split long work into new runs`,
        )
      }
      this.persisted += written.length
      // One by one: push(...written) overflows the stack past ~120k events.
      for (const event of written) this.events.push(event)
      const last = written.at(-1)!
      if (isClosingEvent(last)) {
        this.closing = last
        this.status = closedStatusOf(last)!
        this.ctx.live.closed(this, last)
      }
    }
    const activate = this.toActivate
    this.toActivate = []
    if (this.open) for (const e of activate) this.ctx.live.activate(this, e)
  }

  /**
   * Appends a batch within the history cap. A batch that would pass it is not written; the run
   * is ended instead, with the reason recorded (WorkflowTerminated), so the history stays
   * bounded and replayable.
   */
  private async appendCapped(batch: NewHistoryEvent[]): Promise<HistoryEvent[]> {
    try {
      // One event short of the cap: room is kept for the closing event below.
      const limits = this.ctx.limits && {...this.ctx.limits, maxEvents: this.ctx.limits.maxEvents - 1}
      return await this.ctx.append(batch, limits)
    } catch (error) {
      if (!(error instanceof HistoryLimitError)) throw error
      this.finish()
      this.toActivate = []
      return this.ctx.append([{reason: capReason(this.ctx.limits!), ts: this.now(), type: 'WorkflowTerminated'}])
    }
  }

  private findEvent(seq: number): HistoryEvent | undefined {
    return this.events[seq - 1]
  }

  /** Bytes of JSON of the events the code has seen (`workflow.history_size()`); buffered ones count too. */
  seenHistoryBytes(): number {
    let bytes = 0
    for (let seq = 1; seq <= this.seenSeq; seq++) {
      const event = seq <= this.persisted ? this.events[seq - 1] : this.buffer[seq - this.persisted - 1]
      // As written (typed forms included): JSON.stringify throws on an int64 BigInt.
      if (event) bytes += recordToJson({...event, seq}).length
    }
    return bytes
  }

  /** Milliseconds the oldest buffered event has waited (diagnostics). */
  get bufferAgeMs(): number {
    return this.buffer.length === 0 ? 0 : this.ctx.realNow() - this.bufferedSince
  }
}

/** The event as recorded while no code runs (see SignalReceived.queued). */
function asQueued(event: NewHistoryEvent): NewHistoryEvent {
  const queueable =
    event.type === 'SignalReceived' || event.type === 'CancelRequested' || event.type === 'ChildWorkflowCompleted'
  return queueable ? ({...event, queued: true} as NewHistoryEvent) : event
}

/** A short description of a recorded event for divergence messages. */
export function describeEvent(e: HistoryEvent): string {
  const id = identityOfEvent(e)
  return id ? describeIdentity(id) : e.type
}

export type {LuaErrorValue}
