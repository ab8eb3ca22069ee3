/**
 * `process.*` calls made by function code, wherever they go: the function host hands every
 * such command here (its ProcessGateway), and this answers it through the node. A function
 * has a PID for its whole call; once it issues a command, messages sent to that PID reach
 * its inbox (this module owns function PIDs for the node). A monitored process's or
 * workflow's EXIT goes to the caller's mailbox, which the function's driver then waits for.
 * Links need a process (Invalid), except to a workflow: its end comes as EXIT and LINK_DOWN.
 */
import type {LuaCommand} from '../../lua/types.js'
import type {Addressing, EndNotice, ExitResult, FunctionCaller, Origin, PidOwner} from '../addressing.js'
import {isWorkflowPid} from '../pid.js'
import {startOptionsOf} from '../start-options.js'
import {FunctionMailboxes} from './function-mailboxes.js'

export class FunctionCalls {
  private readonly mailboxes = new FunctionMailboxes()

  constructor(private readonly node: Addressing) {
    node.register(this.owner())
  }

  /** Makes the calling function reachable at its PID (a workflow or process may answer it), until its call returns. */
  attach(caller: FunctionCaller): void {
    if (caller.pid) this.mailboxes.attach(caller.pid, caller.mailbox)
  }

  /** The call behind `pid` returned: forget its mailbox and drop the watches it held. */
  ended(pid: string): void {
    this.mailboxes.forget(pid)
    this.node.unwatchAll(pid)
  }

  async execute(cmd: LuaCommand, caller: FunctionCaller): Promise<ExitResult> {
    this.attach(caller)
    const a = cmd.args
    const from = caller.pid ?? ''
    const origin: Origin = {code: true, from}
    const done = (r: ExitResult): ExitResult => (r.error ? {error: r.error} : {value: true})
    const names = this.node.names()
    const noNames = (): ExitResult => ({
      error: {kind: 'NotFound', message: `${cmd.op}: no workflow or process ${String(a[0] ?? '')}`, retryable: false},
    })
    switch (cmd.op) {
      case 'process.send': {
        const topic = String(a[1])
        if (topic.startsWith('@')) return invalid(`topic ${topic} is reserved`)
        return done(await this.node.send(String(a[0]), topic, a.slice(2), origin))
      }
      case 'process.cancel':
        return done(
          await this.node.cancel(
            String(a[0]),
            a[1] === undefined || a[1] === null ? 'cancelled' : String(a[1]),
            origin,
          ),
        )
      case 'process.terminate':
        return done(await this.node.terminate(String(a[0]), 'process terminated', origin))
      case 'process.lookup': {
        if (!names) return noNames()
        const pid = names.lookup(String(a[0]))
        return pid
          ? {value: pid}
          : {error: {kind: 'NotFound', message: `no process is registered as "${String(a[0])}"`, retryable: false}}
      }
      case 'process.register': {
        if (!names) return noNames()
        const pid = typeof a[1] === 'string' && a[1] !== '' ? a[1] : caller.pid
        return pid
          ? names.registerPid(a[0], pid)
          : invalid(`${caller.entryId} is a function: register a process PID, not the function`)
      }
      case 'process.set_options':
        // A function has no links to trap: the options only matter to its own get_options().
        return {value: true}
      case 'process.unregister':
        return names ? {value: names.unregisterName(a[0])} : noNames()
      case 'process.monitor':
        return this.node.watch(from, names?.lookup(String(a[0])) ?? String(a[0]), 'monitor')
      case 'process.unmonitor':
        this.node.unwatch(from, names?.lookup(String(a[0])) ?? String(a[0]), 'monitor')
        return {value: true}
      case 'process.link':
      case 'process.unlink': {
        const pid = String(a[0])
        if (!isWorkflowPid(pid)) return invalid(`${cmd.op} needs a process; ${caller.entryId} is a function`)
        if (cmd.op === 'process.unlink') this.node.unwatch(from, pid, 'link')
        else this.node.watch(from, pid, 'link')
        return {value: true}
      }
      case 'process.spawn':
      case 'process.exec': {
        const o = startOptionsOf(cmd.options)
        const [entry, hostId, ...args] = a
        const target = this.node.startTarget(String(entry), typeof hostId === 'string' ? hostId : '')
        const workflow = target.owner?.kind === 'workflow'
        if (!workflow && o.link) return invalid(`${caller.entryId} is a function: only a process can link`)
        const started = await this.node.start({
          args,
          entry: String(entry),
          host: target.host,
          options: {...o, link: false, monitor: false},
          origin,
        })
        if ('error' in started) return {error: started.error}
        if (cmd.op === 'process.exec') {
          const r = await this.node.exec(from, started.pid)
          return workflow ? (r.error ? {error: r.error} : {value: r.value ?? null}) : r
        }
        // A function's link to a workflow it spawned is a monitor (EXIT only).
        if (o.monitor || (workflow && o.link)) this.node.watch(from, started.pid, 'monitor')
        return {value: started.pid}
      }
      default:
        return invalid(`${cmd.op} needs a process; ${caller.entryId} is a function`)
    }
  }

  /** Function PIDs as the node sees them: running calls that took a `process.*` command. */
  private owner(): PidOwner {
    const box = this.mailboxes
    const missing = (pid: string): ExitResult => ({
      error: {kind: 'NotFound', message: `no process ${pid}`, retryable: false},
    })
    return {
      cancel: (pid) => missing(pid),
      held(watcher, delta) {
        const mailbox = box.get(watcher)
        if (mailbox) mailbox.expected += delta
      },
      kind: 'function',
      notify(watcher, how, target, end: EndNotice) {
        const mailbox = box.get(watcher)
        if (!mailbox) return
        const result = end.result
        if (how === 'monitor') {
          mailbox.push({event: {at: end.at, from: target, kind: 'pid.exit', result}, kind: 'event'})
          return
        }
        mailbox.push({event: {at: Date.now(), from: target, kind: 'pid.exit', result}, kind: 'event'})
        if (result.error)
          mailbox.push({
            event: {at: Date.now(), from: target, kind: 'pid.link.down', reason: result.error.message, result},
            kind: 'event',
          })
      },
      // A function sends no EXIT when it returns: nobody waits on its end.
      onEnd: () => undefined,
      owns: (dest) => box.alive(dest),
      send(pid, topic, payload, origin) {
        if (box.deliver(pid, {from: origin.from, kind: 'message', payload, topic})) return {value: true}
        return {error: {kind: 'NotFound', message: `process ${pid} not found`, retryable: false}}
      },
      terminate: (pid) => missing(pid),
    }
  }
}

function invalid(message: string): ExitResult {
  return {error: {kind: 'Invalid', message, retryable: false}}
}
