/**
 * The function host: runs `function.lua` entries on demand and executes their commands at
 * once (real clock, real timers, nested `funcs.call`, logging, env).
 *
 * Pool choice (measured, see bench/lua-bench.mjs): a fresh program costs about 1 ms, so
 * finished programs are kept warm and reset between calls (the scheduler starts clean; the
 * loaded chunk and its module-level state survive, as in a warm VM on the platform).
 * Per entry at most `maxConcurrent` calls run at once (the platform's pool `max_size`,
 * default 16), and as many idle programs are kept. A program that hit a limit, or whose
 * entry spec changed (hot reload), is closed instead of reused.
 */
import {type CommandHandlers, dispatchCommand} from '../../lua/command-catalog.js'
import type {FunctionCaller} from '../addressing.js'
import type {LuaCommand, LuaDelivery, LuaErrorValue, LuaProgramSpec} from '../../lua/types.js'
import {HostLimitError} from '../../lua/vm/limits.js'
import type {WasmoonProgram} from '../../lua/vm/program.js'
import {type LuaRuntime, sharedLuaRuntime} from '../../lua/vm/runtime.js'
import {Mailbox, driveProgram} from './drive-program.js'
import {msToNs} from '../../time/duration.js'
import {executeCryptoCommand} from '../ops/crypto.js'
import {executeTextCommand} from '../ops/regexp.js'
import {executeUuidCommand} from '../ops/uuid.js'
import {executeZoneCommand} from '../ops/zone.js'

/** Where `process.*` commands go when the function runs inside the engine. */
export interface ProcessGateway {
  /**
   * Executes one `process.*` command for the calling function; resolves to its result.
   * Messages and events for the function (EXIT of a monitored workflow) go to `caller.mailbox`.
   */
  execute(cmd: LuaCommand, caller: FunctionCaller): Promise<{error?: LuaErrorValue; value?: unknown}>
  /** A PID for a function call (what `process.pid()` returns inside it). */
  newPid?(): string
  /** The call behind `pid` returned: its PID receives nothing more, and what it watched is dropped. */
  ended?(pid: string): void
}

export type LogLevel = 'debug' | 'error' | 'info' | 'print' | 'warn'

export interface FunctionHostOptions {
  /** Wall clock in milliseconds since the epoch (injectable for tests). */
  clock?: () => number
  env?: Record<string, string>
  log?: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void
  /** Concurrent calls per entry (default 16, the platform's pool max_size). */
  maxConcurrent?: number
  processes?: ProcessGateway
  /** The spec for an entry ID (`ns:name`), or undefined when there is no such function. */
  resolveFunction(id: string): LuaProgramSpec | undefined
  runtime?: LuaRuntime
}

export interface CallResult {
  error?: LuaErrorValue
  value?: unknown
}

interface EntryPool {
  active: number
  idle: Array<{program: WasmoonProgram; spec: LuaProgramSpec}>
  waiters: Array<() => void>
}

/** Runs functions; see the module comment. */
export class FunctionHost {
  private readonly pools = new Map<string, EntryPool>()
  /** Timers of calls in flight: close() clears them so a closed host holds no handles. */
  private readonly inflightTimers = new Set<Map<number, ReturnType<typeof setTimeout>>>()
  private readonly clock: () => number
  private closed = false
  /** Counter for the PIDs of function calls (`process.pid()` inside a function). */
  private calls = 0

  private constructor(
    private readonly runtime: LuaRuntime,
    private readonly opts: FunctionHostOptions,
  ) {
    this.clock = opts.clock ?? Date.now
  }

  static async create(opts: FunctionHostOptions): Promise<FunctionHost> {
    return new FunctionHost(opts.runtime ?? (await sharedLuaRuntime()), opts)
  }

  /** Calls a function entry with JSON-like args; resolves to its value or error value. */
  async call(
    entryId: string,
    args: unknown[],
    callOpts: {context?: Record<string, unknown>} = {},
  ): Promise<CallResult> {
    if (this.closed) return {error: {kind: 'Unavailable', message: 'the function host is closed', retryable: true}}
    if (!entryId.includes(':') || entryId.startsWith(':') || entryId.endsWith(':')) {
      return {error: {kind: 'Invalid', message: `function id ${entryId} must be namespace:name`, retryable: false}}
    }
    const spec = this.opts.resolveFunction(entryId)
    if (!spec) return {error: {kind: 'NotFound', message: `function ${entryId} not found`, retryable: false}}
    const pool = this.poolOf(entryId)
    await this.acquire(pool)
    let program: WasmoonProgram | undefined
    let reuse = false
    const mailbox = new Mailbox()
    const timers = new Map<number, ReturnType<typeof setTimeout>>()
    this.inflightTimers.add(timers)
    const pid = spec.pid ?? `{functions|0x${(++this.calls).toString(16).padStart(5, '0')}}`
    try {
      program = this.takeProgram(pool, spec, callOpts.context, pid)
      const context = {...(spec.context ?? {}), ...(callOpts.context ?? {})}
      const outcome = await driveProgram(
        program,
        args,
        (cmd) => this.execute(cmd, {...spec, pid}, context, timers, mailbox),
        mailbox,
      )
      reuse = timers.size === 0 && outcome.status !== 'failed'
      if (outcome.status === 'done')
        return outcome.error ? {error: outcome.error, value: outcome.result} : {value: outcome.result}
      if (outcome.status === 'failed') {
        const e = outcome.error
        const where = e.file && e.line && !e.message.startsWith(`${e.file}:`) ? ` (${e.file}:${e.line})` : ''
        return {error: {...e, kind: e.kind ?? 'Internal', message: e.message + where, retryable: e.retryable ?? false}}
      }
      return {error: {kind: 'Internal', message: 'the function did not finish'}}
    } catch (error) {
      // A program the runtime's shared memory budget refused to build: the host's failure, retryable
      if (error instanceof HostLimitError) return {error: {kind: error.kind, message: error.message, retryable: true}}
      return {
        error: {kind: 'Internal', message: error instanceof Error ? error.message : String(error), retryable: false},
      }
    } finally {
      for (const t of timers.values()) clearTimeout(t)
      this.inflightTimers.delete(timers)
      mailbox.closed = true
      this.opts.processes?.ended?.(pid)
      if (program && reuse && program.reusable && !this.closed && pool.idle.length < (this.opts.maxConcurrent ?? 16)) {
        pool.idle.push({program, spec})
      } else program?.close()
      this.release(pool)
    }
  }

  close(): void {
    this.closed = true
    for (const timers of this.inflightTimers) for (const t of timers.values()) clearTimeout(t)
    for (const pool of this.pools.values()) for (const {program} of pool.idle) program.close()
    this.pools.clear()
  }

  private poolOf(entryId: string): EntryPool {
    let pool = this.pools.get(entryId)
    if (!pool) {
      pool = {active: 0, idle: [], waiters: []}
      this.pools.set(entryId, pool)
    }
    return pool
  }

  private async acquire(pool: EntryPool): Promise<void> {
    const max = this.opts.maxConcurrent ?? 16
    while (pool.active >= max) await new Promise<void>((resolve) => pool.waiters.push(resolve))
    pool.active++
  }

  private release(pool: EntryPool): void {
    pool.active--
    pool.waiters.shift()?.()
  }

  private takeProgram(
    pool: EntryPool,
    spec: LuaProgramSpec,
    context: Record<string, unknown> | undefined,
    pid: string,
  ): WasmoonProgram {
    const merged = {...(spec.context ?? {}), ...(context ?? {})}
    while (pool.idle.length > 0) {
      const warm = pool.idle.pop()!
      if (sameCode(warm.spec, spec) && warm.program.reusable) {
        warm.program.reset(merged, pid)
        return warm.program
      }
      warm.program.close()
    }
    return this.runtime.createProgram({...spec, pid, ...(context ? {context: merged} : {})})
  }

  /**
   * `funcs.call` of a `process.lua`: the platform runs it on its `meta.default_host` and
   * returns what its main returns (an exec through the process side).
   */
  private async callProcess(
    gw: ProcessGateway,
    id: string,
    args: unknown[],
    context: Record<string, unknown>,
    spec: LuaProgramSpec,
    mailbox: Mailbox,
    tag: number,
  ): Promise<CallResult> {
    const caller: FunctionCaller = {entryId: spec.source.entryId, mailbox, ...(spec.pid ? {pid: spec.pid} : {})}
    const r = await gw.execute({args: [id, '', ...args], op: 'process.exec', options: {context}, tag}, caller)
    if (r.error && NOT_A_PROCESS.test(r.error.message))
      return {error: {kind: 'NotFound', message: `function ${id} not found`, retryable: false}}
    return r
  }

  private execute(
    cmd: LuaCommand,
    spec: LuaProgramSpec,
    context: Record<string, unknown>,
    timers: Map<number, ReturnType<typeof setTimeout>>,
    mailbox: Mailbox,
  ): Answer {
    return dispatchCommand(this.commands, cmd, {context, mailbox, spec, timers})
  }

  /** Every op, live in a function: real clock and timers, nested calls; `process.*` goes to the ProcessGateway. */
  private readonly commands: CommandHandlers<Answer, [scope: CallScope]> = {
    'crypto.compute': (cmd) => executeCryptoCommand(cmd),
    'crypto.random': (cmd) => executeCryptoCommand(cmd),
    'env.get': (cmd) => ok(cmd, this.opts.env?.[cmd.args[0]]),
    'funcs.async': (cmd, scope) => this.callFunction(cmd, scope),
    'funcs.call': (cmd, scope) => this.callFunction(cmd, scope),
    'funcs.cancel': (cmd) => ok(cmd, true),
    'logger.log': (cmd) => {
      const [level, message, fields] = cmd.args
      this.opts.log?.(level as LogLevel, message, fields)
      return ok(cmd)
    },
    'process.cancel': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.exec': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.link': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.lookup': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.monitor': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.register': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.send': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.set_options': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.spawn': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.terminate': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.unlink': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.unmonitor': (cmd, scope) => this.toProcesses(cmd, scope),
    'process.unregister': (cmd, scope) => this.toProcesses(cmd, scope),
    // The platform's function pool does not upgrade; a function has no code to swap.
    'process.upgrade': (cmd) => fail(cmd, 'Invalid', 'process.upgrade is only supported in workflows here'),
    'text.regexp': (cmd) => executeTextCommand(cmd),
    'time.now': (cmd) => ok(cmd, msToNs(this.clock())),
    'time.sleep': (cmd, {timers}) =>
      new Promise((resolve) =>
        timers.set(
          cmd.tag,
          setTimeout(() => resolve(ok(cmd)), cmd.args[0]),
        ),
      ),
    'time.timer': (cmd, {timers}) =>
      new Promise((resolve) =>
        timers.set(
          cmd.tag,
          setTimeout(() => {
            timers.delete(cmd.tag)
            resolve(ok(cmd, msToNs(this.clock())))
          }, cmd.args[0]),
        ),
      ),
    'time.timer_stop': (cmd, {timers}) => {
      const t = timers.get(cmd.args[0])
      if (t) clearTimeout(t)
      timers.delete(cmd.args[0])
      return ok(cmd, true)
    },
    'time.zone': (cmd) => executeZoneCommand(cmd),
    'uuid.generate': (cmd) => executeUuidCommand(cmd, this.clock()),
    // The platform's wording (rt:runtime/lua/modules/workflow/module.go).
    'workflow.attrs': (cmd) => fail(cmd, 'Invalid', 'workflow.attrs only available in workflow context'),
    'workflow.history': (cmd) => fail(cmd, 'Invalid', `unknown command ${cmd.op}`),
    'workflow.version': (cmd) => fail(cmd, 'Invalid', 'workflow.version is only available inside workflows'),
  }

  private callFunction(cmd: LuaCommand<'funcs.async' | 'funcs.call'>, {context, mailbox, spec}: CallScope): Answer {
    const [id, ...args] = cmd.args
    const childContext = {...context, ...(cmd.options?.context ?? {})}
    const gw = this.opts.processes
    const viaProcess = gw && id.includes(':') && !this.opts.resolveFunction(id)
    const run = viaProcess
      ? this.callProcess(gw, id, args, childContext, spec, mailbox, cmd.tag)
      : this.call(id, args, {context: childContext})
    return run.then((r) => ({
      ...(r.error ? {error: r.error} : {}),
      kind: 'result' as const,
      tag: cmd.tag,
      value: r.value,
    }))
  }

  /** `process.*` from a function: delegated to the engine's ProcessGateway (workflows or processes). */
  private toProcesses(cmd: LuaCommand, {mailbox, spec}: CallScope): Answer {
    const gw = this.opts.processes
    if (!gw) return fail(cmd, 'Unavailable', 'process API not available here')
    const caller: FunctionCaller = {entryId: spec.source.entryId, mailbox}
    if (spec.pid) caller.pid = spec.pid
    return gw.execute(cmd, caller).then((r) => ({...r, kind: 'result' as const, tag: cmd.tag}))
  }
}

type Answer = LuaDelivery | Promise<LuaDelivery | undefined> | undefined

/** What a command of one call needs besides the host: the call's spec, context, timers and mailbox. */
interface CallScope {
  context: Record<string, unknown>
  mailbox: Mailbox
  spec: LuaProgramSpec
  timers: Map<number, ReturnType<typeof setTimeout>>
}

const ok = (cmd: LuaCommand, value?: unknown): LuaDelivery => ({kind: 'result', tag: cmd.tag, value})
const fail = (cmd: LuaCommand, kind: string, message: string): LuaDelivery => ({
  error: {kind, message, retryable: false},
  kind: 'result',
  tag: cmd.tag,
})

/** What an exec through the process side says when `id` is no process.lua either. */
const NOT_A_PROCESS = /^(no process\.lua entry|process\.spawn needs a host)/

/** Two specs run the same code (a registry may hand out a fresh object per lookup). */
function sameCode(a: LuaProgramSpec, b: LuaProgramSpec): boolean {
  if (a === b) return true
  return (
    a.source.text === b.source.text &&
    a.source.chunkName === b.source.chunkName &&
    a.method === b.method &&
    a.modules.join() === b.modules.join() &&
    JSON.stringify(a.imports ?? {}) === JSON.stringify(b.imports ?? {}) &&
    JSON.stringify(a.limits ?? {}) === JSON.stringify(b.limits ?? {})
  )
}
