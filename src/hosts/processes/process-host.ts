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
 * - Workflow PIDs (`{client@worker|id}`) and `temporal.worker` hosts go through the
 *   {@link WorkflowGateway}; this host never imports the workflow host.
 */
import {WippyError} from '../../errors.js'
import type {LuaCommand, LuaErrorValue, LuaFailure, LuaProgramSpec, ProcessEvent} from '../../lua/types.js'
import {type LuaRuntime, sharedLuaRuntime} from '../../lua/vm/runtime.js'
import {type Registry, type RegistryDiff, processHostConfig} from '../../registry/index.js'
import type {ExitResult, FunctionGateway, WorkflowGateway} from './gateways.js'
import {type CommandServices, executeCommand, internal, type ProcessOps, type Reply} from './process-commands.js'
import {type ProcessStatus, ProcessRecord} from './process-record.js'
import {ProcessNames} from './process-names.js'
import {ProcessRunner} from './process-runner.js'
import {WorkflowRelay} from './workflow-relay.js'
import {formatProcessPid, isPid, isWorkflowPid} from './pid.js'
import {FunctionMailboxes} from './function-mailboxes.js'

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
  /** The program spec of a `process.lua` entry, undefined when there is none. */
  resolveProcess(entryId: string): LuaProgramSpec | undefined
  runtime?: LuaRuntime
  workflows?: WorkflowGateway
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
  options?: Record<string, unknown>
  parent?: ProcessRecord
}

/** What `process.terminate` ends a process with (no `retryable`: a supervisor restarts it). */
const TERMINATED: LuaErrorValue = {kind: 'Internal', message: 'process terminated'}

/** Runs processes; see the module comment. */
export class ProcessHost implements ProcessOps {
  private readonly records = new Map<string, ProcessRecord>()
  private readonly finished: string[] = []
  /** Running function calls that can receive messages (see function-mailboxes.ts). */
  readonly functionMailboxes = new FunctionMailboxes()
  private readonly names = new ProcessNames(this.records, (pid) => this.functionMailboxes.alive(pid))
  private readonly counters = new Map<string, number>()
  private readonly clock: () => number
  private readonly services: CommandServices
  private readonly runner: ProcessRunner
  private readonly relay: WorkflowRelay
  private closed = false

  private constructor(
    private readonly runtime: LuaRuntime,
    private readonly opts: ProcessHostOptions,
  ) {
    this.clock = opts.clock ?? Date.now
    this.services = {
      clock: this.clock,
      ops: this,
      timer: (rec, tag, ms, value) => this.runner.armTimer(rec, tag, ms, value),
      ...(opts.env ? {env: opts.env} : {}),
      ...(opts.functions ? {functions: opts.functions} : {}),
      ...(opts.log ? {log: opts.log} : {}),
    }
    this.relay = new WorkflowRelay(opts.workflows, {
      exit: (rec, from, result) => this.deliverEvent(rec, {at: this.clock(), from, kind: 'pid.exit', result}),
      linkDown: (rec, from, error) => this.linkDown(rec, from, error),
    })
    this.runner = new ProcessRunner(
      runtime,
      (rec, cmd) => executeCommand(this.services, rec, cmd),
      (rec, outcome) => {
        if (outcome.status === 'done') this.exit(rec, outcome.error ? {error: outcome.error, value: outcome.result} : {value: outcome.result})
        else this.exit(rec, {error: failureValue(outcome.error)}, outcome.error)
      },
    )
  }

  static async create(opts: ProcessHostOptions): Promise<ProcessHost> {
    return new ProcessHost(opts.runtime ?? (await sharedLuaRuntime()), opts)
  }

  // ---- public API -------------------------------------------------------------------

  /** Spawns a process; throws WIPPY_SPAWN_FAILED when the entry or host is wrong. */
  spawn(request: SpawnProcessRequest): {pid: string} {
    const r = this.spawnLocal(request)
    if ('error' in r) {
      throw new WippyError('WIPPY_SPAWN_FAILED', `Can't spawn ${request.entry} on ${request.host}: ${r.error.message}.`, {
        hint: 'Check that the entry is a process.lua and the host a process.host entry (`wippy registry list`).',
      })
    }
    return r
  }

  /**
   * Sends a message from `from` (a process, a workflow, or '' for the CLI) to a PID or a
   * registered name. A send to a PID that is not running fails with NotFound.
   */
  async send(dest: string, topic: string, payload: unknown[], from = ''): Promise<LuaErrorValue | undefined> {
    return (await this.sendAs(from, dest, topic, payload)).error
  }

  /** Delivers a CANCEL event (`reason`) to a process or workflow. */
  async cancel(dest: string, reason = 'cancelled', from = ''): Promise<LuaErrorValue | undefined> {
    return (await this.cancelAs(from, dest, reason)).error
  }

  /** Ends a process (or workflow) at once with the error "process terminated". */
  async terminate(dest: string, from = ''): Promise<LuaErrorValue | undefined> {
    return (await this.terminateAs(from, dest)).error
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

  /**
   * Starts a process, or a workflow when `host` is a `temporal.worker` (for callers outside
   * a process: functions, the engine). Never throws: failures come back as an error value.
   */
  async start(request: SpawnProcessRequest & {options?: Record<string, unknown>}): Promise<{error: LuaErrorValue} | {pid: string}> {
    return this.spawnAny(request)
  }

  /** Like {@link waitForExit}, for a process or a workflow PID. */
  waitForAnyExit(pid: string): Promise<ExitResult> {
    if (!isWorkflowPid(pid)) return this.waitForExit(pid)
    const gw = this.opts.workflows
    if (!gw) return Promise.resolve({error: {kind: 'NotFound', message: `no workflow host for ${pid}`, retryable: false}})
    return new Promise((resolve) => gw.onClose(pid, resolve))
  }

  /** The PID registered under `name`, if any. */
  lookup(name: string): string | undefined {
    return this.names.lookup(name)
  }

  get(pid: string): ProcessStatus | undefined {
    return this.records.get(pid)?.status()
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
      const r = this.spawnLocal({args: rec.args, context: rec.context, entry: rec.entry, host: rec.host, ...(names[0] ? {name: names[0]} : {})})
      out.push({entry: rec.entry, from: rec.pid, ...('pid' in r ? {to: r.pid} : {})})
    }
    return out
  }

  /** Ends every process (their timers too); spawns fail from now on. */
  close(): void {
    this.closed = true
    for (const rec of this.records.values()) if (rec.running) this.exit(rec, {error: {kind: 'Canceled', message: 'the process host is stopping', retryable: true}})
  }

  get isClosed(): boolean {
    return this.closed
  }

  // ---- ProcessOps: what process.* commands do -----------------------------------------

  sendFrom(rec: ProcessRecord, dest: string, topic: string, payload: unknown[]): Reply {
    return this.sendAs(rec.pid, dest, topic, payload)
  }

  spawnFrom(rec: ProcessRecord, cmd: LuaCommand<'process.exec' | 'process.spawn'>): Reply {
    const [entry, host, ...args] = cmd.args as [string, string, ...unknown[]]
    const o = cmd.options ?? {}
    const spec: SpawnSpec = {args, entry: String(entry), host: typeof host === 'string' ? host : '', options: o, parent: rec}
    if (o.monitor === true) spec.monitor = true
    if (o.link === true) spec.link = true
    if (typeof o.name === 'string') spec.name = o.name
    if (Array.isArray(o.messages)) spec.messages = (o.messages as Array<{payload?: unknown[]; topic: string}>).map((m) => ({payload: m.payload ?? [], topic: String(m.topic)}))
    if (o.context && typeof o.context === 'object') spec.context = o.context as Record<string, unknown>
    const r = this.spawnAny(spec)
    const toReply = (x: {error: LuaErrorValue} | {pid: string}): ExitResult => ('error' in x ? {error: x.error} : {value: x.pid})
    return r instanceof Promise ? r.then(toReply) : toReply(r)
  }

  async execFrom(rec: ProcessRecord, cmd: LuaCommand<'process.exec'>): Promise<ExitResult> {
    const started = await this.spawnFrom(rec, {...cmd, options: {...(cmd.options ?? {}), link: false, monitor: false}})
    if (started.error) return started
    const pid = String(started.value)
    if (isWorkflowPid(pid)) return new Promise((resolve) => this.relay.watch(rec, pid, 'exec', true, resolve))
    return this.waitForExit(pid)
  }

  cancelFrom(rec: ProcessRecord, dest: string, reason: string | undefined): Reply {
    return this.cancelAs(rec.pid, dest, reason ?? 'cancelled')
  }

  terminateFrom(rec: ProcessRecord, dest: string): Reply {
    return this.terminateAs(rec.pid, dest)
  }

  monitorFrom(rec: ProcessRecord, dest: string, on: boolean): Reply {
    return this.relate(rec, dest, 'monitor', on)
  }

  linkFrom(rec: ProcessRecord, dest: string, on: boolean): Reply {
    return this.relate(rec, dest, 'link', on)
  }

  /** Registers `name` for a running process (for callers that are not processes). */
  registerPid(name: unknown, pid: string): ExitResult {
    const rec = this.records.get(pid)
    if (!rec?.running && this.functionMailboxes.alive(pid)) return this.names.registerOther(name, pid)
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

  private spawnAny(s: SpawnSpec): {error: LuaErrorValue} | {pid: string} | Promise<{error: LuaErrorValue} | {pid: string}> {
    // No host given: the entry's meta.default_host (how funcs.call runs a process.lua).
    if (!s.host) {
      const dh = this.opts.registry().entries.get(s.entry)?.meta.default_host
      if (typeof dh === 'string' && dh !== '') s = {...s, host: dh}
    }
    const hostEntry = s.host ? this.opts.registry().entries.get(s.host) : undefined
    if (hostEntry?.kind === 'temporal.worker') {
      const id = s.options?.['temporal.workflow.id'] ?? s.name
      return this.relay.start(
        {
          entry: s.entry,
          input: s.args ?? [],
          worker: s.host,
          ...(typeof id === 'string' ? {workflowId: id} : {}),
          ...(s.context ? {context: s.context} : {}),
          ...(s.options ? {options: s.options} : {}),
        },
        s.parent,
        s,
      )
    }
    return this.spawnLocal(s)
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
    const rec = new ProcessRecord(pid, s.entry, s.host, {...spec, context: {...(spec.context ?? {}), ...context}, pid}, s.args ?? [], processHostConfig(hostEntry).queueSize, context, s.service, this.clock())
    const parent = s.parent
    if (parent && s.monitor) {
      rec.monitors.add(parent.pid)
      parent.monitoring.add(pid)
    }
    if (parent && s.link) {
      rec.links.add(parent.pid)
      parent.links.add(pid)
    }
    if (s.name !== undefined) this.names.set(s.name, rec)
    for (const m of s.messages ?? []) rec.queue.push({from: parent?.pid ?? '', kind: 'message', payload: m.payload, topic: m.topic})
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

  // ---- messaging and control ----------------------------------------------------------

  private sendAs(from: string, dest: string, topic: string, payload: unknown[]): Reply {
    if (topic.startsWith('@')) return invalid(`topic ${topic} is reserved (topics starting with @ are system topics)`)
    if (isWorkflowPid(dest)) return this.relay.send(from, dest, topic, payload)
    const pid = this.resolve(dest)
    if (typeof pid !== 'string') return pid
    if (this.functionMailboxes.deliver(pid, {from, kind: 'message', payload, topic})) return {value: true}
    const rec = this.records.get(pid)
    // The platform's local send fails for a PID that is not (or no longer) running.
    if (!rec?.running) return notFound(`process ${pid} not found`)
    if (rec.queuedMessages >= rec.queueSize) {
      return {error: {kind: 'Unavailable', message: `the mailbox of ${pid} is full (queue_size ${rec.queueSize})`, retryable: true}}
    }
    rec.queue.push({from, kind: 'message', payload, topic})
    rec.queuedMessages++
    this.runner.schedule(rec)
    return {value: true}
  }

  private cancelAs(from: string, dest: string, reason: string): Reply {
    if (isWorkflowPid(dest)) return this.relay.cancel(from, dest, reason)
    const pid = this.resolve(dest)
    if (typeof pid !== 'string') return pid
    const rec = this.records.get(pid)
    if (!rec) return notFound(`no process ${pid}`)
    if (rec.running) this.deliverEvent(rec, {at: this.clock(), from, kind: 'pid.cancel', reason})
    return {value: true}
  }

  private terminateAs(from: string, dest: string): Reply {
    if (isWorkflowPid(dest)) return this.relay.terminate(from, dest)
    const pid = this.resolve(dest)
    if (typeof pid !== 'string') return pid
    const rec = this.records.get(pid)
    if (!rec) return notFound(`no process ${pid}`)
    this.exit(rec, {error: TERMINATED})
    return {value: true}
  }

  private relate(rec: ProcessRecord, dest: string, how: 'link' | 'monitor', on: boolean): Reply {
    if (isWorkflowPid(dest)) return this.relay.watch(rec, dest, how, on)
    const pid = this.resolve(dest)
    if (typeof pid !== 'string') return pid
    const target = this.records.get(pid)
    if (!on) {
      if (how === 'monitor') {
        target?.monitors.delete(rec.pid)
        rec.monitoring.delete(pid)
      } else {
        target?.links.delete(rec.pid)
        rec.links.delete(pid)
      }
      return {value: true}
    }
    // A running function can be linked to or monitored; it sends no LINK_DOWN/EXIT when it returns.
    if (!target && this.functionMailboxes.alive(pid)) return {value: true}
    if (!target) return notFound(`no process ${pid}`)
    if (pid === rec.pid) return invalid(`a process can't ${how} itself`)
    if (!target.running) {
      // Already gone: the watcher still learns how it ended.
      const result = target.result ?? {}
      if (how === 'monitor') this.deliverEvent(rec, {at: this.clock(), from: pid, kind: 'pid.exit', result})
      else if (result.error) this.linkDown(rec, pid, result.error)
      return {value: true}
    }
    if (how === 'monitor') {
      target.monitors.add(rec.pid)
      rec.monitoring.add(pid)
    } else {
      target.links.add(rec.pid)
      rec.links.add(pid)
    }
    return {value: true}
  }

  private resolve(dest: string): string | ExitResult {
    if (isPid(dest)) return dest
    const pid = this.lookup(dest)
    return pid ?? notFound(`no process is registered as "${dest}"`)
  }

  private deliverEvent(rec: ProcessRecord, event: ProcessEvent): void {
    if (!rec.running) return
    rec.queue.push({event, kind: 'event'})
    this.runner.schedule(rec)
  }

  private linkDown(rec: ProcessRecord, from: string, error: LuaErrorValue): void {
    if (!rec.running) return
    if (rec.trapLinks) this.deliverEvent(rec, {at: this.clock(), from, kind: 'pid.link.down', reason: error.message})
    else this.exit(rec, {error: {kind: 'LinkDown', message: `linked process ${from} failed: ${error.message}`, retryable: true}})
  }

  // ---- ending ---------------------------------------------------------------------------

  private exit(rec: ProcessRecord, result: ExitResult, failure?: LuaFailure): void {
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
    for (const unsub of rec.watching.values()) unsub()
    rec.watching.clear()
    this.names.release(rec)
    for (const pid of rec.monitoring) this.records.get(pid)?.monitors.delete(rec.pid)
    const at = this.clock()
    for (const pid of rec.monitors) {
      const watcher = this.records.get(pid)
      if (watcher) this.deliverEvent(watcher, {at, from: rec.pid, kind: 'pid.exit', result})
    }
    for (const pid of rec.links) {
      const other = this.records.get(pid)
      if (!other) continue
      other.links.delete(rec.pid)
      if (result.error) this.linkDown(other, rec.pid, result.error)
    }
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
