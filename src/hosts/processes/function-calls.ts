/**
 * `process.*` calls made by function code, for plain processes: what the engine's process
 * router (or the function host's ProcessGateway) hands to the process host. Sending,
 * spawning, exec, cancel, terminate, names and monitoring work; a monitored process's EXIT
 * goes to the calling function's mailbox when it has one, and once a function has issued a
 * command, messages sent to its PID reach its inbox. Links need a process (Invalid).
 */
import type {LuaCommand, LuaDelivery} from '../../lua/types.js'
import type {ExitResult} from './gateways.js'
import type {ProcessHost} from './process-host.js'
import {hostOfPid, isWorkflowPid} from './pid.js'

/** The calling function: its entry, its PID, and where its events go. */
export interface FunctionCallerLike {
  entryId: string
  mailbox?: {closed: boolean; expected: number; push(delivery: LuaDelivery): void}
  pid?: string
}

export interface FunctionProcessGateway {
  /** Makes the calling function reachable at its PID (a workflow or process may answer it). */
  attach(caller: FunctionCallerLike): void
  execute(cmd: LuaCommand, caller: FunctionCallerLike): Promise<ExitResult>
  /** True when `dest` is a plain process PID (of a process.host), a running function's PID or a name registered here. */
  owns(dest: string): boolean
}

/** The process host's side of `process.*` calls from functions. */
export function functionProcessGateway(host: ProcessHost, isProcessHost: (hostId: string) => boolean): FunctionProcessGateway {
  // Per running call (its mailbox): the monitors it holds, so unmonitor can drop them.
  const monitors = new WeakMap<object, Map<string, () => void>>()
  const watch = (pid: string, caller: FunctionCallerLike): void => {
    const mailbox = caller.mailbox
    if (!mailbox) return
    mailbox.expected++
    const held = monitors.get(mailbox) ?? new Map<string, () => void>()
    monitors.set(mailbox, held)
    const stop = host.onExit(pid, (result) => {
      held.delete(pid)
      mailbox.expected--
      mailbox.push({event: {at: Date.now(), from: pid, kind: 'pid.exit', result}, kind: 'event'})
    })
    if (!held.has(pid) && host.get(pid)?.status === 'running') {
      held.set(pid, () => {
        stop()
        mailbox.expected--
      })
    }
  }
  // Per running call: its links to workflows, so unlink can drop them before the end.
  const links = new WeakMap<object, Map<string, () => void>>()
  const linkWorkflow = (pid: string, caller: FunctionCallerLike): void => {
    const mailbox = caller.mailbox
    if (!mailbox) return
    const held = links.get(mailbox) ?? new Map<string, () => void>()
    links.set(mailbox, held)
    if (held.has(pid)) return
    let live = true
    mailbox.expected++
    held.set(pid, () => {
      if (live) mailbox.expected--
      live = false
      held.delete(pid)
    })
    void host.waitForAnyExit(pid).then((result) => {
      if (!live) return
      live = false
      held.delete(pid)
      mailbox.expected--
      mailbox.push({event: {at: Date.now(), from: pid, kind: 'pid.exit', result}, kind: 'event'})
      if (result.error) mailbox.push({event: {at: Date.now(), from: pid, kind: 'pid.link.down', reason: result.error.message, result}, kind: 'event'})
    })
  }
  const unwatch = (pid: string, caller: FunctionCallerLike): boolean => {
    const held = caller.mailbox && monitors.get(caller.mailbox)
    const stop = held?.get(pid)
    if (!stop) return false
    held!.delete(pid)
    stop()
    return true
  }
  const attach = (caller: FunctionCallerLike): void => {
    if (caller.pid && caller.mailbox) host.functionMailboxes.attach(caller.pid, caller.mailbox)
  }
  return {
    attach,
    owns(dest) {
      if (isWorkflowPid(dest)) return false
      if (host.functionMailboxes.alive(dest)) return true
      const h = hostOfPid(dest)
      return h ? isProcessHost(h) : host.lookup(dest) !== undefined
    },
    async execute(cmd, caller) {
      // From now on processes can reply to the function's PID (until the call returns).
      attach(caller)
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
        case 'process.register': {
          const pid = typeof a[1] === 'string' && a[1] !== '' ? a[1] : caller.pid
          return pid ? host.registerPid(a[0], pid) : invalid(`${caller.entryId} is a function: register a process PID, not the function`)
        }
        case 'process.set_options':
          // A function has no links to trap: the options only matter to its own get_options().
          return {value: true}
        case 'process.unregister':
          return {value: host.unregisterName(a[0])}
        case 'process.monitor': {
          const pid = host.lookup(String(a[0])) ?? String(a[0])
          if (!host.get(pid)) return {error: {kind: 'NotFound', message: `no process ${pid}`, retryable: false}}
          watch(pid, caller)
          return {value: true}
        }
        case 'process.link':
        case 'process.unlink': {
          // A function may link to a workflow: it learns of the end on process.events().
          const pid = String(a[0])
          if (!isWorkflowPid(pid)) return invalid(`${cmd.op} needs a process; ${caller.entryId} is a function`)
          if (cmd.op === 'process.unlink') {
            const stop = caller.mailbox && links.get(caller.mailbox)?.get(pid)
            stop?.()
            return {value: true}
          }
          linkWorkflow(pid, caller)
          return {value: true}
        }
        case 'process.unmonitor':
          unwatch(host.lookup(String(a[0])) ?? String(a[0]), caller)
          return {value: true}
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
