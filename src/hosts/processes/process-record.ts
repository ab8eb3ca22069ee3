/**
 * The state of one live (or recently finished) process: its program, the deliveries queued
 * for its next step, its timers and in-flight commands, and its relations (monitors, links,
 * names). The host mutates it; this module only holds it and describes it.
 */
import type {LuaDelivery, LuaFailure, LuaProgram, LuaProgramSpec} from '../../lua/types.js'
import type {ExitResult} from '../addressing.js'

/** A process (or a service's current process) as `wippy ps` shows it. */
export interface ProcessStatus {
  endedAt?: number
  entry: string
  /** The error it failed with (with file, line and Lua traceback when it crashed). */
  error?: LuaFailure
  host: string
  kind: 'process' | 'service'
  /** Messages queued for its next step. */
  mailbox: number
  names: string[]
  pid: string
  /** The `process.service` entry that owns it. */
  service?: string
  startedAt: number
  status: 'exited' | 'failed' | 'running'
  /** What it is blocked on while running: "sleeping 100 ms", "calling app:fn", ... */
  waiting?: string
}

/** One process; see the module comment. */
export class ProcessRecord {
  program?: LuaProgram
  started = false
  state: 'exited' | 'failed' | 'running' = 'running'
  /** Deliveries for the next `step`, in arrival order (per-sender FIFO follows from this). */
  queue: LuaDelivery[] = []
  /** How many of {@link queue} are messages (what `queue_size` bounds). */
  queuedMessages = 0
  scheduled = false
  trapLinks = false
  readonly timers = new Map<number, NodeJS.Timeout>()
  /** tag → what the process waits on (for `ps`). */
  readonly inflight = new Map<number, string>()
  /** PIDs that get an EXIT event when this one ends. */
  readonly monitors = new Set<string>()
  /** PIDs this one monitors (to drop itself from their sets when it ends). */
  readonly monitoring = new Set<string>()
  readonly links = new Set<string>()
  readonly names = new Set<string>()
  readonly exitListeners: Array<(result: ExitResult) => void> = []
  result?: ExitResult
  failure?: LuaFailure
  endedAt?: number
  readonly startedAt: number

  constructor(
    readonly pid: string,
    readonly entry: string,
    readonly host: string,
    readonly spec: LuaProgramSpec,
    readonly args: unknown[],
    readonly queueSize: number,
    readonly context: Record<string, unknown>,
    readonly service: string | undefined,
    now: number,
  ) {
    this.startedAt = now
  }

  get running(): boolean {
    return this.state === 'running'
  }

  status(): ProcessStatus {
    const s: ProcessStatus = {
      entry: this.entry,
      host: this.host,
      kind: this.service ? 'service' : 'process',
      mailbox: this.queuedMessages,
      names: [...this.names],
      pid: this.pid,
      startedAt: this.startedAt,
      status: this.state,
    }
    if (this.service) s.service = this.service
    if (this.endedAt !== undefined) s.endedAt = this.endedAt
    if (this.failure) s.error = this.failure
    else if (this.result?.error) s.error = this.result.error
    if (this.running) {
      const first = this.inflight.values().next()
      s.waiting = first.done ? (this.started ? 'waiting for a message or event' : 'starting') : first.value
    }
    return s
  }
}
