/**
 * Executes one command a process yielded, live: real timers, the wall clock, UUIDs, logs,
 * env and `funcs.*` here; `process.*` through the host's messaging and lifecycle methods.
 * Returns the result delivery now, a promise of it, or nothing.
 */
import type {LuaCommand, LuaDelivery, LuaErrorValue} from '../../lua/types.js'
import {msToNs} from '../../time/duration.js'
import {zoneDelivery} from '../../time/zones.js'
import {executeCryptoCommand} from '../crypto-ops.js'
import {executeTextCommand} from '../text-ops.js'
import {generateUuid} from '../functions/uuid.js'
import type {ExitResult, FunctionGateway} from './gateways.js'
import type {ProcessRecord} from './process-record.js'

/** The host operations the `process.*` commands map to (implemented by ProcessHost). */
export interface ProcessOps {
  cancelFrom(rec: ProcessRecord, dest: string, reason: string | undefined): Reply
  execFrom(rec: ProcessRecord, cmd: LuaCommand): Promise<ExitResult>
  linkFrom(rec: ProcessRecord, dest: string, on: boolean): Reply
  lookup(name: string): string | undefined
  monitorFrom(rec: ProcessRecord, dest: string, on: boolean): Reply
  registerName(rec: ProcessRecord, name: unknown, pid: unknown): Reply
  sendFrom(rec: ProcessRecord, dest: string, topic: string, payload: unknown[]): Reply
  spawnFrom(rec: ProcessRecord, cmd: LuaCommand): Reply
  terminateFrom(rec: ProcessRecord, dest: string): Reply
  unregisterName(name: unknown): boolean
}

/** A command's answer: a value, or an error value (sync or async). */
export type Reply = ExitResult | Promise<ExitResult>

export interface CommandServices {
  clock: () => number
  env?: (key: string) => string | undefined
  functions?: FunctionGateway
  log?: (pid: string, level: string, message: string, fields?: Record<string, unknown>) => void
  ops: ProcessOps
  /** Fires a timer: delivers `delivery` to the process unless it ended. */
  timer(rec: ProcessRecord, tag: number, ms: number, value: () => unknown): void
}

/** What a process waits on while `cmd` is in flight (for `ps`). */
export function describeCommand(cmd: LuaCommand): string {
  const a = cmd.args
  switch (cmd.op) {
    case 'time.sleep':
      return `sleeping ${Math.round(Number(a[0]) || 0)} ms`
    case 'funcs.call':
      return `calling ${String(a[0])}`
    case 'process.exec':
      return `waiting for ${String(a[0])} (exec)`
    case 'process.spawn':
      return `spawning ${String(a[0])}`
    default:
      return cmd.op
  }
}

export function executeCommand(
  services: CommandServices,
  rec: ProcessRecord,
  cmd: LuaCommand,
): LuaDelivery | Promise<LuaDelivery> | undefined {
  const tag = cmd.tag
  const reply = (r: ExitResult): LuaDelivery => ({...(r.error ? {error: r.error} : {}), kind: 'result', tag, value: r.value})
  const ok = (value?: unknown): LuaDelivery => ({kind: 'result', tag, value})
  const fail = (kind: string, message: string): LuaDelivery => ({error: {kind, message, retryable: false}, kind: 'result', tag})
  const wrap = (r: Reply): LuaDelivery | Promise<LuaDelivery> => (r instanceof Promise ? r.then(reply, (e: unknown) => reply({error: internal(e)})) : reply(r))
  const ms = (v: unknown): number => Math.max(0, typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const a = cmd.args
  const ops = services.ops
  switch (cmd.op) {
    case 'time.now':
      return ok(msToNs(services.clock()))
    case 'time.sleep':
      services.timer(rec, tag, ms(a[0]), () => undefined)
      return undefined
    case 'time.timer':
      services.timer(rec, tag, ms(a[0]), () => msToNs(services.clock()))
      return undefined
    case 'time.timer_stop': {
      const t = rec.timers.get(Number(a[0]))
      if (t) clearTimeout(t)
      rec.timers.delete(Number(a[0]))
      rec.inflight.delete(Number(a[0]))
      return ok(true)
    }
    case 'time.zone':
      return zoneDelivery(tag, a[0])
    case 'uuid.generate': {
      const id = generateUuid(String(a[0]), services.clock())
      return id ? ok(id) : fail('Invalid', `unknown UUID version ${String(a[0])}`)
    }
    case 'crypto.random':
    case 'crypto.compute':
      return executeCryptoCommand(cmd)
    case 'text.regexp':
      return executeTextCommand(cmd)
    case 'logger.log': {
      const [level, message, fields] = a as [string, string, Record<string, unknown> | undefined]
      services.log?.(rec.pid, level, String(message), fields ?? undefined)
      return ok()
    }
    case 'env.get':
      return ok(services.env?.(String(a[0])))
    case 'funcs.call':
    case 'funcs.async': {
      if (!services.functions) return fail('Unavailable', 'funcs is not available in this process host')
      const [id, ...args] = a as [string, ...unknown[]]
      const context = {...rec.context, ...((cmd.options?.context as Record<string, unknown> | undefined) ?? {})}
      return wrap(services.functions.call(String(id), args, {context}))
    }
    case 'funcs.cancel':
      return ok(true)
    case 'workflow.version':
      return fail('Invalid', 'workflow.version is only available inside workflows')
    case 'process.send':
      return wrap(ops.sendFrom(rec, String(a[0]), String(a[1]), a.slice(2)))
    case 'process.spawn':
      return wrap(ops.spawnFrom(rec, cmd))
    case 'process.exec':
      return wrap(ops.execFrom(rec, cmd))
    case 'process.cancel':
      return wrap(ops.cancelFrom(rec, String(a[0]), a[1] === undefined || a[1] === null ? undefined : String(a[1])))
    case 'process.terminate':
      return wrap(ops.terminateFrom(rec, String(a[0])))
    case 'process.monitor':
    case 'process.unmonitor':
      return wrap(ops.monitorFrom(rec, String(a[0]), cmd.op === 'process.monitor'))
    case 'process.link':
    case 'process.unlink':
      return wrap(ops.linkFrom(rec, String(a[0]), cmd.op === 'process.link'))
    case 'process.set_options': {
      const t = (a[0] ?? {}) as Record<string, unknown>
      if (typeof t.trap_links === 'boolean') rec.trapLinks = t.trap_links
      return ok(true)
    }
    case 'process.register':
      return wrap(ops.registerName(rec, a[0], a[1]))
    case 'process.lookup': {
      const pid = ops.lookup(String(a[0]))
      return pid ? ok(pid) : fail('NotFound', `no process is registered as "${String(a[0])}"`)
    }
    case 'process.unregister':
      return ok(ops.unregisterName(a[0]))
    default:
      return fail('Invalid', `unknown command ${String(cmd.op)}`)
  }
}

export function internal(error: unknown): LuaErrorValue {
  return {kind: 'Internal', message: error instanceof Error ? error.message : String(error), retryable: false}
}
