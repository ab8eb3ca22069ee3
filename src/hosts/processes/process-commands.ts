/**
 * Executes one command a process yielded, live: real timers, the wall clock, UUIDs, logs,
 * env and `funcs.*` here; `process.*` through the host's messaging and lifecycle methods.
 * Returns the result delivery now, a promise of it, or nothing.
 */
import {type CommandHandlers, dispatchCommand} from '../../lua/command-catalog.js'
import type {LuaCommand, LuaDelivery, LuaErrorValue} from '../../lua/types.js'
import {msToNs} from '../../time/duration.js'
import {executeCryptoCommand} from '../ops/crypto.js'
import {executeTextCommand} from '../ops/regexp.js'
import {executeUuidCommand} from '../ops/uuid.js'
import {executeZoneCommand} from '../ops/zone.js'
import type {ExitResult, FunctionGateway} from '../addressing.js'
import type {ProcessRecord} from './process-record.js'

/** The host operations the `process.*` commands map to (implemented by ProcessHost). */
export interface ProcessOps {
  cancelFrom(rec: ProcessRecord, dest: string, reason: string | undefined): Reply
  execFrom(rec: ProcessRecord, cmd: LuaCommand<'process.exec'>): Promise<ExitResult>
  linkFrom(rec: ProcessRecord, dest: string, on: boolean): Reply
  lookup(name: string): string | undefined
  monitorFrom(rec: ProcessRecord, dest: string, on: boolean): Reply
  registerName(rec: ProcessRecord, name: unknown, pid: unknown): Reply
  sendFrom(rec: ProcessRecord, dest: string, topic: string, payload: unknown[]): Reply
  spawnFrom(rec: ProcessRecord, cmd: LuaCommand<'process.exec' | 'process.spawn'>): Reply
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

/** What a process waits on while `cmd` is in flight (for `ps`); most ops show their name. */
export function describeCommand(cmd: LuaCommand): string {
  switch (cmd.op) {
    case 'time.sleep':
      return `sleeping ${Math.round(cmd.args[0])} ms`
    case 'funcs.call':
      return `calling ${cmd.args[0]}`
    case 'process.exec':
      return `waiting for ${cmd.args[0]} (exec)`
    case 'process.spawn':
      return `spawning ${cmd.args[0]}`
    default:
      return cmd.op
  }
}

type Answer = LuaDelivery | Promise<LuaDelivery> | undefined
type Ctx = [services: CommandServices, rec: ProcessRecord]

const ok = (cmd: LuaCommand, value?: unknown): LuaDelivery => ({kind: 'result', tag: cmd.tag, value})
const fail = (cmd: LuaCommand, kind: string, message: string): LuaDelivery => ({
  error: {kind, message, retryable: false},
  kind: 'result',
  tag: cmd.tag,
})
const reply = (cmd: LuaCommand, r: ExitResult): LuaDelivery => ({
  ...(r.error ? {error: r.error} : {}),
  kind: 'result',
  tag: cmd.tag,
  value: r.value,
})
const wrap = (cmd: LuaCommand, r: Reply): LuaDelivery | Promise<LuaDelivery> =>
  r instanceof Promise
    ? r.then(
        (x) => reply(cmd, x),
        (e: unknown) => reply(cmd, {error: internal(e)}),
      )
    : reply(cmd, r)

function callFunction(
  cmd: LuaCommand<'funcs.async' | 'funcs.call'>,
  services: CommandServices,
  rec: ProcessRecord,
): Answer {
  if (!services.functions) return fail(cmd, 'Unavailable', 'funcs is not available in this process host')
  const [id, ...args] = cmd.args
  const context = {...rec.context, ...(cmd.options?.context ?? {})}
  return wrap(cmd, services.functions.call(id, args, {context}))
}

/** Every op, live in a process: real timers and clock, `process.*` through the host (ProcessOps). */
const PROCESS_COMMANDS: CommandHandlers<Answer, Ctx> = {
  'crypto.compute': (cmd) => executeCryptoCommand(cmd),
  'crypto.random': (cmd) => executeCryptoCommand(cmd),
  'env.get': (cmd, services) => ok(cmd, services.env?.(cmd.args[0])),
  'funcs.async': callFunction,
  'funcs.call': callFunction,
  'funcs.cancel': (cmd) => ok(cmd, true),
  'logger.log': (cmd, services, rec) => {
    const [level, message, fields] = cmd.args
    services.log?.(rec.pid, level, message, fields)
    return ok(cmd)
  },
  'process.cancel': (cmd, {ops}, rec) => wrap(cmd, ops.cancelFrom(rec, cmd.args[0], cmd.args[1])),
  'process.exec': (cmd, {ops}, rec) => wrap(cmd, ops.execFrom(rec, cmd)),
  'process.link': (cmd, {ops}, rec) => wrap(cmd, ops.linkFrom(rec, cmd.args[0], true)),
  'process.lookup': (cmd, {ops}) => {
    const pid = ops.lookup(cmd.args[0])
    return pid ? ok(cmd, pid) : fail(cmd, 'NotFound', `no process is registered as "${cmd.args[0]}"`)
  },
  'process.monitor': (cmd, {ops}, rec) => wrap(cmd, ops.monitorFrom(rec, cmd.args[0], true)),
  'process.register': (cmd, {ops}, rec) => wrap(cmd, ops.registerName(rec, cmd.args[0], cmd.args[1])),
  'process.send': (cmd, {ops}, rec) => {
    const [dest, topic, ...payload] = cmd.args
    return wrap(cmd, ops.sendFrom(rec, dest, topic, payload))
  },
  'process.set_options': (cmd, _services, rec) => {
    const t = cmd.args[0]
    if (typeof t.trap_links === 'boolean') rec.trapLinks = t.trap_links
    return ok(cmd, true)
  },
  'process.spawn': (cmd, {ops}, rec) => wrap(cmd, ops.spawnFrom(rec, cmd)),
  'process.terminate': (cmd, {ops}, rec) => wrap(cmd, ops.terminateFrom(rec, cmd.args[0])),
  'process.unlink': (cmd, {ops}, rec) => wrap(cmd, ops.linkFrom(rec, cmd.args[0], false)),
  'process.unmonitor': (cmd, {ops}, rec) => wrap(cmd, ops.monitorFrom(rec, cmd.args[0], false)),
  'process.unregister': (cmd, {ops}) => ok(cmd, ops.unregisterName(cmd.args[0])),
  // The platform hot-swaps a process's code and keeps its PID and inbox; not built here.
  'process.upgrade': (cmd) => fail(cmd, 'Invalid', 'process.upgrade is only supported in workflows here'),
  'text.regexp': (cmd) => executeTextCommand(cmd),
  'time.now': (cmd, services) => ok(cmd, msToNs(services.clock())),
  'time.sleep': (cmd, services, rec) => {
    services.timer(rec, cmd.tag, cmd.args[0], () => undefined)
    return undefined
  },
  'time.timer': (cmd, services, rec) => {
    services.timer(rec, cmd.tag, cmd.args[0], () => msToNs(services.clock()))
    return undefined
  },
  'time.timer_stop': (cmd, _services, rec) => {
    const tag = cmd.args[0]
    const t = rec.timers.get(tag)
    if (t) clearTimeout(t)
    rec.timers.delete(tag)
    rec.inflight.delete(tag)
    return ok(cmd, true)
  },
  'time.zone': (cmd) => executeZoneCommand(cmd),
  'uuid.generate': (cmd, services) => executeUuidCommand(cmd, services.clock()),
  // The platform's wording (rt:runtime/lua/modules/workflow/module.go).
  'workflow.attrs': (cmd) => fail(cmd, 'Invalid', 'workflow.attrs only available in workflow context'),
  'workflow.history': (cmd) => fail(cmd, 'Invalid', `unknown command ${cmd.op}`),
  'workflow.version': (cmd) => fail(cmd, 'Invalid', 'workflow.version is only available inside workflows'),
}

/** Executes one command a process yielded: the result delivery now, a promise of it, or nothing (a timer). */
export function executeCommand(services: CommandServices, rec: ProcessRecord, cmd: LuaCommand): Answer {
  return dispatchCommand(PROCESS_COMMANDS, cmd, services, rec)
}

export function internal(error: unknown): LuaErrorValue {
  return {kind: 'Internal', message: error instanceof Error ? error.message : String(error), retryable: false}
}
