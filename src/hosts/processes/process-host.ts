/**
 * The process host: runs `process.lua` entries on every `process.host` entry of the project
 * (one ProcessHost per engine). Each process is a Lua program stepped whenever deliveries
 * are queued for it (results of its commands, messages, lifecycle events), until `main`
 * returns or it fails.
 *
 * Invariants:
 * - Delivery is asynchronous: a send queues the message and schedules the receiver on the
 *   next macrotask; a process never runs inside another's step.
 * - Per sender → receiver order is FIFO: sends run in the order the sender issued them and
 *   each receiver's queue is drained in arrival order.
 * - A process that ended never steps again; a send to it fails with NotFound, events are dropped.
 * - Every PID this host does not own (workflows, functions) and every start on a
 *   `temporal.worker` host goes through the node (hosts/addressing.ts); this host never
 *   imports another host.
 */
import {WippyError} from '../../errors.js'
import type {LuaCommand, LuaDelivery, LuaErrorValue, LuaFailure, LuaProgramSpec, ProcessEvent} from '../../lua/types.js'
import type {Addressing, ExitResult, FunctionGateway} from '../addressing.js'
import {type LuaRuntime, sharedLuaRuntime} from '../../lua/vm/runtime.js'
import {type Registry, type RegistryDiff, processHostConfig} from '../../registry/index.js'
import {type CommandServices, executeCommand, type ProcessOps, type Reply} from './process-commands.js'
import {type ProcessStatus, ProcessRecord} from './process-record.js'
import {ProcessNames} from './process-names.js'
import {ProcessRunner} from './process-runner.js'
import {ProcessMessaging} from './process-messaging.js'
import {ProcessRelations} from './process-relations.js'
import {formatProcessPid, hostOfPid, isWorkflowPid} from '../pid.js'
import {type StartOptions, startOptionsOf} from '../start-options.js'

export interface ProcessHostOptions {
  clock?: () => number
  env?: (key: string) => string | undefined
  functions?: FunctionGateway
  /** How many finished processes `list()` keeps for `ps --all` (default 200). */
  keepFinished?: number
  /**
   * How many processes may run at once (default: `WIPPY_MAX_PROCESSES` from `env`, else
   * {@link DEFAULT_MAX_PROCESSES}); a spawn past it fails. Bounds a process that spawns itself.
   */
  maxProcesses?: number
  log?: (pid: string, level: string, message: string, fields?: Record<string, unknown>) => void
  /** Called when a process starts or ends (not on every step). */
  onChange?: (status: ProcessStatus) => void
  /** The current registry (host kinds, `queue_size`). */
  registry(): Registry
  /** The PID directory: the host registers with it and reaches workflows and functions through it. */
  node: Addressing
  /** The program spec of a `process.lua` entry, undefined when there is none. */
  resolveProcess(entryId: string): LuaProgramSpec | undefined
  runtime?: LuaRuntime
}

/**
 * Live processes per host by default: each holds a Lua state (~330 KB before it does
 * anything) in the one wasm heap, so 1000 of them take a fifth of the runtime's budget.
 */
export const DEFAULT_MAX_PROCESSES = 1000

/** A spawn from outside Lua (engine, CLI, supervisor). */
export interface SpawnProcessRequest {
  args?: unknown[]
  context?: Record<string, unknown>
  entry: string
  /** A `process.host` entry ID. */
  host: string
  messages?: Array<{payload: unknown[]; topic: string}>
  name?: string
  /** The `process.service` entry that owns the process. */
  service?: string
}

interface SpawnSpec extends SpawnProcessRequest {
  link?: boolean
  monitor?: boolean
  parent?: ProcessRecord
}

/** Runs processes; see the module comment. */
export class ProcessHost implements ProcessOps {
  readonly records = new Map<string, ProcessRecord>()
  private readonly finished: string[] = []
  private readonly node: Addressing
  private readonly names: ProcessNames
  private readonly counters = new Map<string, number>()
  readonly clock: () => number
  private readonly services: CommandServices
  private readonly runner: ProcessRunner
  private readonly relations = new ProcessRelations(this)
  /** Sends, cancels, terminates, monitors and links, here or through the node. */
  private readonly messaging: ProcessMessaging
  private closed = false

  private constructor(
    private readonly runtime: LuaRuntime,
    private readonly opts: ProcessHostOptions,
  ) {
    this.clock = opts.clock ?? Date.now
    this.node = opts.node
    this.names = new ProcessNames(this.records, (pid) => this.node.resolve(pid)?.kind === 'function')
    this.services = {
      clock: this.clock,
      ops: this,
      timer: (rec, tag, ms, value) => this.runner.armTimer(rec, tag, ms, value),
      ...(opts.env ? {env: opts.env} : {}),
      ...(opts.functions ? {functions: opts.functions} : {}),
      ...(opts.log ? {log: opts.log} : {}),
    }
    this.runner = new ProcessRunner(
      runtime,
      (rec, cmd) => executeCommand(this.services, rec, cmd),
      (rec, outcome) => {
        if (outcome.status === 'done')
          this.exit(rec, outcome.error ? {error: outcome.error, value: outcome.result} : {value: outcome.result})
        else this.exit(rec, {error: failureValue(outcome.error)}, outcome.error)
      },
    )
    this.messaging = new ProcessMessaging(this, this.node, this.relations)
    this.node.register(this.messaging.owner)
    this.node.setNames(this)
  }

  static async create(opts: ProcessHostOptions): Promise<ProcessHost> {
    return new ProcessHost(opts.runtime ?? (await sharedLuaRuntime()), opts)
  }

  /** Like {@link create}, on a runtime the caller already has. */
  static open(opts: ProcessHostOptions & {runtime: LuaRuntime}): ProcessHost {
    return new ProcessHost(opts.runtime, opts)
  }

  // ---- public API -------------------------------------------------------------------

  /** Spawns a process; throws WIPPY_SPAWN_FAILED when the entry or host is wrong. */
  spawn(request: SpawnProcessRequest): {pid: string} {
    const r = this.spawnLocal(request)
    if ('error' in r) {
      throw new WippyError(
        'WIPPY_SPAWN_FAILED',
        `Can't spawn ${request.entry} on ${request.host}: ${r.error.message}.`,
        {
          hint: 'Check that the entry is a process.lua and the host a process.host entry (`wippy registry list`).',
        },
      )
    }
    return r
  }

  /**
   * Sends a message from `from` (a process, a workflow, or '' for the CLI) to a PID or a
   * registered name. A send to a PID that is not running fails with NotFound.
   */
  async send(dest: string, topic: string, payload: unknown[], from = ''): Promise<LuaErrorValue | undefined> {
    return (await this.messaging.send(from, dest, topic, payload)).error
  }

  /** Delivers a CANCEL event (`reason`) to a process or workflow. */
  async cancel(dest: string, reason = 'cancelled', from = ''): Promise<LuaErrorValue | undefined> {
    return (await this.messaging.cancel(from, dest, reason)).error
  }

  /** Ends a process (or workflow) at once with the error "process terminated". */
  async terminate(dest: string, from = ''): Promise<LuaErrorValue | undefined> {
    return (await this.messaging.terminate(from, dest)).error
  }

  /** Calls `callback` once when `pid` ends (at once if it has). Returns an unsubscribe function. */
  onExit(pid: string, callback: (result: ExitResult) => void): () => void {
    const rec = this.records.get(pid)
    if (!rec) {
      callback({error: {kind: 'NotFound', message: `no process ${pid}`, retryable: false}})
      return () => {}
    }
    if (!rec.running) {
      callback(rec.result ?? {})
      return () => {}
    }
    rec.exitListeners.push(callback)
    return () => {
      const i = rec.exitListeners.indexOf(callback)
      if (i >= 0) rec.exitListeners.splice(i, 1)
    }
  }

  /** Resolves when `pid` ends, with its result or error. */
  waitForExit(pid: string): Promise<ExitResult> {
    return new Promise((resolve) => this.onExit(pid, resolve))
  }

  /** The PID registered under `name`, if any. */
  lookup(name: string): string | undefined {
    return this.names.lookup(name)
  }

  /** True for a `process.host` entry ID: starts on it run here. */
  ownsHost(hostId: string): boolean {
    return this.opts.registry().entries.get(hostId)?.kind === 'process.host'
  }

  get(pid: string): ProcessStatus | undefined {
    return this.records.get(pid)?.status()
  }

  /** True when `dest` is one of this host's: a PID on a `process.host`, or a registered name. */
  owns(dest: string): boolean {
    if (isWorkflowPid(dest)) return false
    if (this.records.has(dest)) return true
    const host = hostOfPid(dest)
    return host ? this.opts.registry().entries.get(host)?.kind === 'process.host' : this.lookup(dest) !== undefined
  }

  /** Running processes, and with `all` the recently finished ones too, oldest first. */
  list(filter: {all?: boolean} = {}): ProcessStatus[] {
    return [...this.records.values()].filter((r) => filter.all || r.running).map((r) => r.status())
  }

  /**
   * After a reload: restarts running plain processes whose `process.lua` entry changed
   * (fresh PID, same args, host and names); ends those whose entry was removed.
   * Processes owned by a service are left to the supervisor.
   */
  applyRegistry(diff: RegistryDiff): Array<{entry: string; from: string; to?: string}> {
    const out: Array<{entry: string; from: string; to?: string}> = []
    const changed = new Set(diff.changed)
    const removed = new Set(diff.removed)
    for (const rec of [...this.records.values()]) {
      if (!rec.running || rec.service) continue
      if (!changed.has(rec.entry) && !removed.has(rec.entry)) continue
      const names = [...rec.names]
      this.exit(rec, {error: {kind: 'Canceled', message: 'process restarted: its code changed', retryable: true}})
      if (removed.has(rec.entry)) {
        out.push({entry: rec.entry, from: rec.pid})
        continue
      }
      const r = this.spawnLocal({
        args: rec.args,
        context: rec.context,
        entry: rec.entry,
        host: rec.host,
        ...(names[0] ? {name: names[0]} : {}),
      })
      out.push({entry: rec.entry, from: rec.pid, ...('pid' in r ? {to: r.pid} : {})})
    }
    return out
  }

  /** Ends every process (their timers too); spawns fail from now on. */
  close(): void {
    this.closed = true
    for (const rec of this.records.values())
      if (rec.running)
        this.exit(rec, {error: {kind: 'Canceled', message: 'the process host is stopping', retryable: true}})
  }

  get isClosed(): boolean {
    return this.closed
  }

  // ---- ProcessOps: what process.* commands do -----------------------------------------

  sendFrom(rec: ProcessRecord, dest: string, topic: string, payload: unknown[]): Reply {
    return this.messaging.send(rec.pid, dest, topic, payload)
  }

  spawnFrom(rec: ProcessRecord, cmd: LuaCommand<'process.exec' | 'process.spawn'>): Reply {
    const [entry, host, ...args] = cmd.args as [string, string, ...unknown[]]
    const toReply = (x: {error: LuaErrorValue} | {pid: string}): ExitResult =>
      'error' in x ? {error: x.error} : {value: x.pid}
    const r = this.spawnAny(rec, String(entry), typeof host === 'string' ? host : '', args, startOptionsOf(cmd.options))
    return r instanceof Promise ? r.then(toReply) : toReply(r)
  }

  async execFrom(rec: ProcessRecord, cmd: LuaCommand<'process.exec'>): Promise<ExitResult> {
    const started = await this.spawnFrom(rec, {...cmd, options: {...(cmd.options ?? {}), link: false, monitor: false}})
    if (started.error) return started
    const pid = String(started.value)
    return this.records.has(pid) ? this.waitForExit(pid) : this.node.exec(rec.pid, pid)
  }

  cancelFrom(rec: ProcessRecord, dest: string, reason: string | undefined): Reply {
    return this.messaging.cancel(rec.pid, dest, reason ?? 'cancelled')
  }

  terminateFrom(rec: ProcessRecord, dest: string): Reply {
    return this.messaging.terminate(rec.pid, dest)
  }

  monitorFrom(rec: ProcessRecord, dest: string, on: boolean): Reply {
    return this.messaging.relate(rec, dest, 'monitor', on)
  }

  linkFrom(rec: ProcessRecord, dest: string, on: boolean): Reply {
    return this.messaging.relate(rec, dest, 'link', on)
  }

  /** Registers `name` for a running process (for callers that are not processes). */
  registerPid(name: unknown, pid: string): ExitResult {
    const rec = this.records.get(pid)
    if (!rec?.running && this.node.resolve(pid)?.kind === 'function') return this.names.registerOther(name, pid)
    if (!rec?.running) return notFound(`no running process ${pid}`)
    return this.names.register(rec, name, pid)
  }

  registerName(rec: ProcessRecord, name: unknown, pid: unknown): Reply {
    return this.names.register(rec, name, pid)
  }

  unregisterName(name: unknown): boolean {
    return this.names.unregister(name)
  }

  // ---- spawning -------------------------------------------------------------------------

  /** A spawn by a process: here, or through the node on a `temporal.worker` host. */
  private spawnAny(
    parent: ProcessRecord,
    entry: string,
    host: string,
    args: unknown[],
    o: StartOptions,
  ): {error: LuaErrorValue} | {pid: string} | Promise<{error: LuaErrorValue} | {pid: string}> {
    const target = this.node.startTarget(entry, host)
    if (target.owner && target.owner !== this.messaging.owner)
      return this.node.start({args, entry, host: target.host, options: o, origin: {code: true, from: parent.pid}})
    return this.spawnLocal({
      args,
      entry,
      host: target.host,
      link: o.link,
      messages: o.messages,
      monitor: o.monitor,
      parent,
      ...(o.name === undefined ? {} : {name: o.name}),
      ...(o.context ? {context: o.context} : {}),
    })
  }

  /** A start the node hands here (from a function or the engine: no parent process). */
  startLocal(entry: string, host: string, args: unknown[], o: StartOptions): {error: LuaErrorValue} | {pid: string} {
    return this.spawnLocal({
      args,
      entry,
      host,
      messages: o.messages,
      ...(o.name === undefined ? {} : {name: o.name}),
      ...(o.context ? {context: o.context} : {}),
    })
  }

  private spawnLocal(s: SpawnSpec): {error: LuaErrorValue} | {pid: string} {
    if (this.closed) return {error: {kind: 'Unavailable', message: 'the process host is stopping', retryable: true}}
    if (!s.host) return invalid('process.spawn needs a host: a process.host or temporal.worker entry ID')
    const hostEntry = this.opts.registry().entries.get(s.host)
    if (hostEntry?.kind !== 'process.host') return notFound(`no process.host or temporal.worker entry ${s.host}`)
    const spec = this.opts.resolveProcess(s.entry)
    if (!spec) return notFound(`no process.lua entry ${s.entry}`)
    const conflict = s.name === undefined ? undefined : this.names.conflict(s.name)
    if (conflict) return {error: conflict}
    const max = this.maxProcesses()
    // Every record not yet finished is running (finished ones stay listed until pruned).
    if (this.records.size - this.finished.length >= max) {
      return {
        error: {
          kind: 'Unavailable',
          message: `process.spawn of ${s.entry} refused: ${max} processes are running, the limit (set WIPPY_MAX_PROCESSES to change it)`,
          retryable: true,
        },
      }
    }
    const n = (this.counters.get(s.host) ?? 0) + 1
    this.counters.set(s.host, n)
    const pid = formatProcessPid(s.host, n)
    const context = {...(s.parent?.context ?? {}), ...(s.context ?? {})}
    const rec = new ProcessRecord(
      pid,
      s.entry,
      s.host,
      {...spec, context: {...(spec.context ?? {}), ...context}, pid},
      s.args ?? [],
      processHostConfig(hostEntry).queueSize,
      context,
      s.service,
      this.clock(),
    )
    if (s.parent) this.relations.spawned(s.parent, rec, s)
    if (s.name !== undefined) this.names.set(s.name, rec)
    for (const m of s.messages ?? [])
      rec.queue.push({from: s.parent?.pid ?? '', kind: 'message', payload: m.payload, topic: m.topic})
    this.records.set(pid, rec)
    this.runner.schedule(rec)
    this.opts.onChange?.(rec.status())
    return {pid}
  }

  private maxProcesses(): number {
    if (this.opts.maxProcesses !== undefined) return this.opts.maxProcesses
    const text = this.opts.env?.('WIPPY_MAX_PROCESSES')?.trim()
    const n = text && /^\d+$/.test(text) ? Number(text) : Number.NaN
    return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_PROCESSES
  }

  // ---- delivery -----------------------------------------------------------------------

  deliverEvent(rec: ProcessRecord, event: ProcessEvent): void {
    if (!rec.running) return
    rec.queue.push({event, kind: 'event'})
    this.runner.schedule(rec)
  }

  enqueue(rec: ProcessRecord, delivery: LuaDelivery): void {
    rec.queue.push(delivery)
    rec.queuedMessages++
    this.runner.schedule(rec)
  }

  // ---- ending ---------------------------------------------------------------------------

  exit(rec: ProcessRecord, result: ExitResult, failure?: LuaFailure): void {
    if (!rec.running) return
    rec.state = result.error ? 'failed' : 'exited'
    rec.result = result
    if (failure) rec.failure = failure
    rec.endedAt = this.clock()
    for (const t of rec.timers.values()) clearTimeout(t)
    rec.timers.clear()
    rec.inflight.clear()
    rec.queue = []
    rec.queuedMessages = 0
    try {
      rec.program?.close()
    } catch {
      // a program that failed mid-step may already be unusable; nothing else to free
    }
    rec.program = undefined
    this.node.unwatchAll(rec.pid)
    this.names.release(rec)
    this.relations.ended(rec, result)
    for (const listener of rec.exitListeners.splice(0)) listener(result)
    this.finished.push(rec.pid)
    const keep = this.opts.keepFinished ?? 200
    while (this.finished.length > keep) this.records.delete(this.finished.shift()!)
    this.opts.onChange?.(rec.status())
  }
}

function failureValue(f: LuaFailure): LuaErrorValue {
  const where = f.file && f.line && !f.message.startsWith(`${f.file}:`) ? ` (${f.file}:${f.line})` : ''
  const e: LuaErrorValue = {kind: f.kind ?? 'Internal', message: f.message + where}
  // Only an explicit `retryable` is kept: a crash is retryable unless the error says otherwise.
  if (f.retryable !== undefined) e.retryable = f.retryable
  if (f.details !== undefined) e.details = f.details
  return e
}

function notFound(message: string): {error: LuaErrorValue} {
  return {error: {kind: 'NotFound', message, retryable: false}}
}

function invalid(message: string): {error: LuaErrorValue} {
  return {error: {kind: 'Invalid', message, retryable: false}}
}
