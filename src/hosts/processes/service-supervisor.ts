/**
 * Supervision of `process.service` entries, as in the Wippy platform reference (supervision)
 * and the runtime's `system/supervisor`:
 *
 * - `auto_start` services start with {@link ServiceSupervisor.start}; `requires` are started
 *   first (whether or not they auto-start), and a cycle is refused.
 * - A normal return → Exited, never restarted.
 * - An error return or a crash → Failed, then a restart after a backoff delay
 *   (`initial_delay × backoff_factor^(n-1)`, capped at `max_delay`), unless the error says
 *   `retryable = false`. `max_attempts` restarts are made (0 = no limit); the next failure
 *   gives up: the service stays Failed with its last error and Lua traceback, the rest runs on.
 * - A run that lasted `stable_threshold` resets the restart count.
 * - Stopping sends CANCEL with the reason "service stopping"; a process that has not ended
 *   after the grace period is terminated. Stopped services are not restarted.
 */
import {WippyError} from '../../errors.js'
import type {LuaFailure} from '../../lua/types.js'
import {
  type ProcessServiceConfig,
  type Registry,
  diffRegistries,
  luaEntryConfig,
  processServiceConfig,
} from '../../registry/index.js'
import type {ExitResult} from '../addressing.js'
import type {ProcessHost} from './process-host.js'

export type ServiceState = 'Exited' | 'Failed' | 'Running' | 'Starting' | 'Stopped' | 'Stopping'

/** One service as `wippy ps` shows it. */
export interface ServiceStatus {
  /** Restarts made since the last stable run (what `max_attempts` bounds). */
  attempts: number
  entry: string
  /** True once it failed after `max_attempts` restarts (or with a non-retryable error). */
  gaveUp: boolean
  host: string
  id: string
  kind: 'service'
  /**
   * While it is Failed (waiting to restart, or given up): the error of that failed run, with
   * file, line and Lua traceback when it crashed. Not reported once it runs again, so `ps`
   * shows what it does now, not a crash it has recovered from.
   */
  lastError?: LuaFailure
  /** When the pending restart fires (ms since the epoch). */
  nextRestartAt?: number
  pid?: string
  /** Restarts made since the supervisor started it. */
  restarts: number
  state: ServiceState
  waiting?: string
}

export interface ServiceSupervisorOptions {
  clock?: () => number
  host: ProcessHost
  log?: (service: string, level: 'error' | 'info' | 'warn', message: string) => void
  onChange?: (status: ServiceStatus) => void
  registry: Registry
  /** How long a stopping service may take to end after its CANCEL (default 5000 ms). */
  stopGraceMs?: number
}

interface Slot {
  attempts: number
  config: ProcessServiceConfig
  gaveUp: boolean
  id: string
  lastError?: LuaFailure
  nextRestartAt?: number
  pid?: string
  restarts: number
  startedAt?: number
  state: ServiceState
  stopped?: () => void
  timer?: NodeJS.Timeout
  unsubscribe?: () => void
}

/** What a reload did to services and plain processes. */
export interface ServiceReloadReport {
  processes: Array<{entry: string; from: string; to?: string}>
  restarted: string[]
  started: string[]
  stopped: string[]
}

/** Supervises services; see the module comment. */
export class ServiceSupervisor {
  private readonly slots = new Map<string, Slot>()
  private readonly clock: () => number
  private registry: Registry
  private closed = false

  constructor(private readonly opts: ServiceSupervisorOptions) {
    this.clock = opts.clock ?? Date.now
    this.registry = opts.registry
    for (const entry of opts.registry.entries.values()) if (entry.kind === 'process.service') this.addSlot(entry.id)
  }

  /** Starts every `auto_start` service (and what they require), in `requires` order. */
  async start(): Promise<void> {
    for (const slot of this.slots.values()) if (slot.config.lifecycle.autoStart) this.startService(slot.id)
  }

  /** Starts one service after the services it requires. Throws WIPPY_SERVICE_* on bad IDs or cycles. */
  startService(id: string, path: string[] = []): ServiceStatus {
    const slot = this.requireSlot(id)
    if (path.includes(id)) {
      throw new WippyError(
        'WIPPY_SERVICE_CYCLE',
        `The services require each other in a cycle: ${[...path, id].join(' → ')}.`,
        {
          hint: 'Remove one of the `lifecycle.requires` entries.',
        },
      )
    }
    if (slot.state === 'Running' || slot.state === 'Starting' || slot.state === 'Stopping') return this.statusOf(slot)
    for (const req of slot.config.lifecycle.requires) {
      if (this.slots.has(req)) this.startService(req, [...path, id])
    }
    slot.attempts = 0
    slot.gaveUp = false
    // A fresh start (new code after a reload, or by hand): the old failure no longer applies.
    slot.lastError = undefined
    this.launch(slot)
    return this.statusOf(slot)
  }

  /** Stops a service: CANCEL "service stopping", then terminate after the grace period. */
  async stopService(id: string): Promise<ServiceStatus> {
    const slot = this.requireSlot(id)
    this.clearTimer(slot)
    if (!slot.pid) {
      if (slot.state !== 'Exited') this.setState(slot, 'Stopped')
      return this.statusOf(slot)
    }
    const pid = slot.pid
    this.setState(slot, 'Stopping')
    const ended = new Promise<void>((resolve) => (slot.stopped = resolve))
    await this.opts.host.cancel(pid, 'service stopping', '')
    const grace = setTimeout(() => void this.opts.host.terminate(pid), this.opts.stopGraceMs ?? 5000)
    await ended
    clearTimeout(grace)
    return this.statusOf(slot)
  }

  /** Stops then starts a service (fresh restart count). */
  async restartService(id: string): Promise<ServiceStatus> {
    await this.stopService(id)
    return this.startService(id)
  }

  /** Stops every service, dependents before what they require. */
  async stopAll(): Promise<void> {
    this.closed = true
    const order = this.startOrder().reverse()
    for (const id of order) await this.stopService(id)
  }

  /**
   * After a reload (call it once the process host already sees `next`): stops removed
   * services, restarts those whose entry or process code changed, starts added
   * `auto_start` ones, and restarts plain processes of changed entries.
   */
  async applyRegistry(next: Registry): Promise<ServiceReloadReport> {
    const raw = diffRegistries(this.registry, next)
    this.registry = next
    // A process whose imported library changed runs changed code too.
    const diff = {...raw, changed: [...withImporters(next, raw.changed)]}
    const report: ServiceReloadReport = {processes: [], restarted: [], started: [], stopped: []}
    const changed = new Set(diff.changed)
    for (const id of diff.removed) {
      if (!this.slots.has(id)) continue
      await this.stopService(id)
      this.slots.get(id)?.unsubscribe?.()
      this.slots.delete(id)
      report.stopped.push(id)
    }
    for (const slot of [...this.slots.values()]) {
      if (!changed.has(slot.id) && !changed.has(slot.config.process)) continue
      const wasActive = slot.pid !== undefined || slot.timer !== undefined
      if (wasActive) await this.stopService(slot.id)
      slot.config = processServiceConfig(next.entries.get(slot.id)!)
      if (wasActive || slot.config.lifecycle.autoStart) {
        this.startService(slot.id)
        report.restarted.push(slot.id)
      }
    }
    for (const id of diff.added) {
      if (next.entries.get(id)?.kind !== 'process.service') continue
      const slot = this.addSlot(id)
      if (slot.config.lifecycle.autoStart) {
        this.startService(id)
        report.started.push(id)
      }
    }
    report.processes = this.opts.host.applyRegistry(diff)
    return report
  }

  list(): ServiceStatus[] {
    return [...this.slots.values()].map((s) => this.statusOf(s))
  }

  get(id: string): ServiceStatus | undefined {
    const slot = this.slots.get(id)
    return slot ? this.statusOf(slot) : undefined
  }

  // ---- internals ------------------------------------------------------------------------

  private addSlot(id: string): Slot {
    const config = processServiceConfig(this.registry.entries.get(id)!)
    const slot: Slot = {attempts: 0, config, gaveUp: false, id, restarts: 0, state: 'Stopped'}
    this.slots.set(id, slot)
    return slot
  }

  private requireSlot(id: string): Slot {
    const slot = this.slots.get(id)
    if (!slot) {
      throw new WippyError('WIPPY_SERVICE_UNKNOWN', `No process.service entry ${id}.`, {
        hint: `Services in this project: ${[...this.slots.keys()].join(', ') || 'none'}.`,
      })
    }
    return slot
  }

  private launch(slot: Slot): void {
    this.clearTimer(slot)
    this.setState(slot, 'Starting')
    let pid: string
    try {
      pid = this.opts.host.spawn({
        args: slot.config.input,
        entry: slot.config.process,
        host: slot.config.host,
        service: slot.id,
      }).pid
    } catch (error) {
      this.failed(slot, {error: {kind: 'Internal', message: error instanceof Error ? error.message : String(error)}})
      return
    }
    slot.pid = pid
    slot.startedAt = this.clock()
    this.setState(slot, 'Running')
    slot.unsubscribe = this.opts.host.onExit(pid, (result) => this.exited(slot, pid, result))
  }

  private exited(slot: Slot, pid: string, result: ExitResult): void {
    if (slot.pid !== pid) return
    slot.pid = undefined
    slot.unsubscribe = undefined
    if (slot.state === 'Stopping') {
      this.setState(slot, 'Stopped')
      slot.stopped?.()
      slot.stopped = undefined
      return
    }
    if (!result.error) {
      slot.attempts = 0
      this.setState(slot, 'Exited')
      return
    }
    const ran = this.clock() - (slot.startedAt ?? this.clock())
    if (ran >= slot.config.lifecycle.stableThresholdMs) slot.attempts = 0
    this.failed(slot, result, this.opts.host.get(pid)?.error)
  }

  private failed(slot: Slot, result: ExitResult, failure?: LuaFailure): void {
    const error = result.error!
    slot.lastError = failure ?? {...error}
    const {maxAttempts} = slot.config.lifecycle.restart
    if (this.closed || this.opts.host.isClosed) {
      this.setState(slot, 'Stopped')
      return
    }
    if (error.retryable === false) {
      slot.gaveUp = true
      this.opts.log?.(
        slot.id,
        'error',
        `${slot.id} failed with a non-retryable error and is not restarted: ${describe(slot.lastError)}`,
      )
      this.setState(slot, 'Failed')
      return
    }
    if (maxAttempts > 0 && slot.attempts >= maxAttempts) {
      slot.gaveUp = true
      this.opts.log?.(slot.id, 'error', `${slot.id} gave up after ${maxAttempts} restarts: ${describe(slot.lastError)}`)
      this.setState(slot, 'Failed')
      return
    }
    slot.attempts++
    const delay = backoffDelay(slot.config.lifecycle.restart, slot.attempts)
    slot.nextRestartAt = this.clock() + delay
    this.opts.log?.(slot.id, 'warn', `${slot.id} failed (${error.message}); restart ${slot.attempts} in ${delay} ms`)
    slot.timer = setTimeout(() => {
      slot.timer = undefined
      slot.nextRestartAt = undefined
      slot.restarts++
      this.launch(slot)
    }, delay)
    this.setState(slot, 'Failed')
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = undefined
    slot.nextRestartAt = undefined
  }

  private setState(slot: Slot, state: ServiceState): void {
    slot.state = state
    this.opts.onChange?.(this.statusOf(slot))
  }

  private statusOf(slot: Slot): ServiceStatus {
    const s: ServiceStatus = {
      attempts: slot.attempts,
      entry: slot.config.process,
      gaveUp: slot.gaveUp,
      host: slot.config.host,
      id: slot.id,
      kind: 'service',
      restarts: slot.restarts,
      state: slot.state,
    }
    if (slot.pid) {
      s.pid = slot.pid
      const w = this.opts.host.get(slot.pid)?.waiting
      if (w) s.waiting = w
    }
    if (slot.lastError && slot.state === 'Failed') s.lastError = slot.lastError
    if (slot.nextRestartAt !== undefined) {
      s.nextRestartAt = slot.nextRestartAt
      s.waiting = `restarting in ${Math.max(0, slot.nextRestartAt - this.clock())} ms`
    }
    return s
  }

  /** Service IDs with every service after the ones it requires. */
  private startOrder(): string[] {
    const out: string[] = []
    const seen = new Set<string>()
    const visit = (id: string): void => {
      if (seen.has(id)) return
      seen.add(id)
      for (const req of this.slots.get(id)?.config.lifecycle.requires ?? []) if (this.slots.has(req)) visit(req)
      out.push(id)
    }
    for (const id of this.slots.keys()) visit(id)
    return out
  }
}

/** `changed` plus every process.lua entry that imports one of them. */
function withImporters(registry: Registry, changed: string[]): Set<string> {
  const out = new Set(changed)
  for (const entry of registry.entries.values()) {
    if (entry.kind !== 'process.lua' || out.has(entry.id)) continue
    try {
      if (Object.values(luaEntryConfig(entry).imports).some((id) => out.has(id))) out.add(entry.id)
    } catch {
      // an invalid entry is reported by the loader; nothing to restart for it
    }
  }
  return out
}

/** The delay before restart number `attempt` (1-based). */
export function backoffDelay(
  policy: {backoffFactor: number; initialDelayMs: number; maxDelayMs: number},
  attempt: number,
): number {
  const raw = policy.initialDelayMs * policy.backoffFactor ** Math.max(0, attempt - 1)
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, raw)))
}

function describe(f: LuaFailure): string {
  return f.traceback ? `${f.message}\n${f.traceback}` : f.message
}
