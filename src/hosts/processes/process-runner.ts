/**
 * The step loop of processes: steps a process whenever deliveries are queued for it,
 * hands each command it yields to the host, queues the results (at once, or when a promise
 * or a timer settles), and reports a finished outcome. It never runs a process inside
 * another's step: scheduling goes through `setImmediate`.
 */
import type {LuaCommand, LuaDelivery, StepOutcome} from '../../lua/types.js'
import type {LuaRuntime} from '../../lua/vm/runtime.js'
import {describeCommand, internal} from './process-commands.js'
import type {ProcessRecord} from './process-record.js'

/** Steps one process may take per turn of the event loop (and the time it may use). */
const PUMP_MAX_ROUNDS = 64
const PUMP_BUDGET_MS = 2

export class ProcessRunner {
  constructor(
    private readonly runtime: LuaRuntime,
    private readonly execute: (rec: ProcessRecord, cmd: LuaCommand) => LuaDelivery | Promise<LuaDelivery> | undefined,
    private readonly finish: (rec: ProcessRecord, outcome: Exclude<StepOutcome, {status: 'waiting'}>) => void,
  ) {}

  schedule(rec: ProcessRecord): void {
    if (rec.scheduled || !rec.running) return
    rec.scheduled = true
    setImmediate(() => this.pump(rec))
  }

  /**
   * Steps a process while it has deliveries (its own synchronous results mostly), up to a
   * small budget, then yields the event loop so other processes and timers get their turn.
   * Looping here instead of rescheduling lets receivers batch what a busy sender sends.
   */
  private pump(rec: ProcessRecord): void {
    rec.scheduled = false
    const deadline = performance.now() + PUMP_BUDGET_MS
    for (let round = 0; rec.running; round++) {
      if (rec.started && rec.queue.length === 0) return
      if (round > 0 && (round >= PUMP_MAX_ROUNDS || performance.now() > deadline)) {
        this.schedule(rec)
        return
      }
      this.stepOnce(rec)
    }
  }

  private stepOnce(rec: ProcessRecord): void {
    let outcome: StepOutcome
    try {
      if (!rec.started) {
        rec.started = true
        rec.program = this.runtime.createProgram(rec.spec)
        outcome = rec.program.start(rec.args)
      } else {
        const deliveries = rec.queue
        rec.queue = []
        rec.queuedMessages = 0
        outcome = rec.program!.step(deliveries)
      }
    } catch (error) {
      outcome = {commands: [], error: internal(error), status: 'failed'}
    }
    for (const cmd of outcome.commands) {
      if (!rec.running) break
      this.dispatch(rec, cmd)
    }
    if (!rec.running) return
    if (outcome.status !== 'waiting') this.finish(rec, outcome)
  }

  private dispatch(rec: ProcessRecord, cmd: LuaCommand): void {
    let d: LuaDelivery | Promise<LuaDelivery> | undefined
    try {
      d = this.execute(rec, cmd)
    } catch (error) {
      d = {error: internal(error), kind: 'result', tag: cmd.tag}
    }
    if (d instanceof Promise) {
      rec.inflight.set(cmd.tag, describeCommand(cmd))
      void d.then((delivery) => {
        rec.inflight.delete(cmd.tag)
        if (!rec.running) return
        rec.queue.push(delivery)
        this.schedule(rec)
      })
    } else if (d) rec.queue.push(d)
  }

  armTimer(rec: ProcessRecord, tag: number, ms: number, value: () => unknown): void {
    rec.inflight.set(tag, ms > 0 && rec.inflight.size === 0 ? `sleeping ${Math.round(ms)} ms` : 'timer')
    const t = setTimeout(() => {
      rec.timers.delete(tag)
      rec.inflight.delete(tag)
      if (!rec.running) return
      rec.queue.push({kind: 'result', tag, value: value()})
      this.schedule(rec)
    }, ms)
    rec.timers.set(tag, t)
  }
}
