/**
 * `process.*` calls made by function code (a `function.lua` has no mailbox): what the
 * function host's ProcessGateway needs. Sending, spawning, exec, cancel, terminate and name
 * lookups work; monitor, link, listen and the like need a process and return Invalid.
 */
import type {LuaCommand} from '../../lua/types.js'
import type {ExitResult} from './gateways.js'
import type {ProcessHost} from './process-host.js'

/** A `ProcessGateway` for the function host, backed by `host`. */
export function functionProcessGateway(host: ProcessHost): {
  execute(cmd: LuaCommand, caller: {entryId: string; pid?: string}): Promise<ExitResult>
} {
  return {
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
        case 'process.spawn':
        case 'process.exec': {
          const o = cmd.options ?? {}
          if (o.monitor === true || o.link === true) return invalid(`${caller.entryId} is a function: only a process can monitor or link`)
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
          return cmd.op === 'process.spawn' ? {value: r.pid} : host.waitForAnyExit(r.pid)
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
