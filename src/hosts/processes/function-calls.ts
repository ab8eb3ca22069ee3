/**
 * `process.*` calls made by function code, for plain processes: what the engine's process
 * router (or the function host's ProcessGateway) hands to the process host. Sending,
 * spawning, exec, cancel, terminate, names and monitoring work; a monitored process's EXIT
 * goes to the calling function's mailbox when it has one. Links need a process (Invalid).
 */
import type {LuaCommand, LuaDelivery} from '../../lua/types.js'
import type {ExitResult} from './gateways.js'
import type {ProcessHost} from './process-host.js'
import {hostOfPid, isWorkflowPid} from './pid.js'

/** The calling function: its entry, its PID, and where its events go. */
export interface FunctionCallerLike {
  entryId: string
  mailbox?: {expected: number; push(delivery: LuaDelivery): void}
  pid?: string
}

export interface FunctionProcessGateway {
  execute(cmd: LuaCommand, caller: FunctionCallerLike): Promise<ExitResult>
  /** True when `dest` is a plain process PID (of a process.host) or a name registered here. */
  owns(dest: string): boolean
}

/** The process host's side of `process.*` calls from functions. */
export function functionProcessGateway(host: ProcessHost, isProcessHost: (hostId: string) => boolean): FunctionProcessGateway {
  const watch = (pid: string, caller: FunctionCallerLike): void => {
    const mailbox = caller.mailbox
    if (!mailbox) return
    mailbox.expected++
    host.onExit(pid, (result) => {
      mailbox.expected--
      mailbox.push({event: {at: Date.now(), from: pid, kind: 'pid.exit', result}, kind: 'event'})
    })
  }
  return {
    owns(dest) {
      if (isWorkflowPid(dest)) return false
      const h = hostOfPid(dest)
      return h ? isProcessHost(h) : host.lookup(dest) !== undefined
    },
    async execute(cmd, caller) {
      const a = cmd.args
      const from = caller.pid ?? ''
      const errorOf = (error: ExitResult['error']): ExitResult => (error ? {error} : {value: true})
      switch (cmd.op) {
        case 'process.send':
          return errorOf(await host.send(String(a[0]), String(a[1]), a.slice(2), from))
        case 'process.cancel':
          return errorOf(await host.cancel(String(a[0]), a[1] === undefined || a[1] === null ? 'cancelled' : String(a[1]), from))
        case 'process.terminate':
          return errorOf(await host.terminate(String(a[0]), from))
        case 'process.lookup': {
          const pid = host.lookup(String(a[0]))
          return pid ? {value: pid} : {error: {kind: 'NotFound', message: `no process is registered as "${String(a[0])}"`, retryable: false}}
        }
        case 'process.register':
          return typeof a[1] === 'string' ? host.registerPid(a[0], a[1]) : invalid(`${caller.entryId} is a function: register a process PID, not the function`)
        case 'process.unregister':
          return {value: host.unregisterName(a[0])}
        case 'process.monitor': {
          const pid = host.lookup(String(a[0])) ?? String(a[0])
          if (!host.get(pid)) return {error: {kind: 'NotFound', message: `no process ${pid}`, retryable: false}}
          watch(pid, caller)
          return {value: true}
        }
        case 'process.spawn':
        case 'process.exec': {
          const o = cmd.options ?? {}
          if (o.link === true) return invalid(`${caller.entryId} is a function: only a process can link`)
          const [entry, hostId, ...args] = a
          const messages = Array.isArray(o.messages) ? (o.messages as Array<{payload?: unknown[]; topic: string}>).map((m) => ({payload: m.payload ?? [], topic: String(m.topic)})) : undefined
          const r = await host.start({
            args,
            entry: String(entry),
            host: typeof hostId === 'string' ? hostId : '',
            options: o,
            ...(typeof o.name === 'string' ? {name: o.name} : {}),
            ...(messages ? {messages} : {}),
            ...(o.context && typeof o.context === 'object' ? {context: o.context as Record<string, unknown>} : {}),
          })
          if ('error' in r) return {error: r.error}
          if (cmd.op === 'process.exec') return host.waitForAnyExit(r.pid)
          if (o.monitor === true && !isWorkflowPid(r.pid)) watch(r.pid, caller)
          return {value: r.pid}
        }
        default:
          return invalid(`${cmd.op} needs a process; ${caller.entryId} is a function`)
      }
    },
  }
}

function invalid(message: string): ExitResult {
  return {error: {kind: 'Invalid', message, retryable: false}}
}
