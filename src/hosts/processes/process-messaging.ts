/**
 * Messages and control between processes and whatever they address: a destination is one
 * of this host's processes (queued here) or a PID another host owns (handed to the node).
 * Also the host's face towards the node (`owner`): what the node calls for this host's PIDs.
 */
import type {LuaDelivery, LuaErrorValue, ProcessEvent} from '../../lua/types.js'
import type {Addressing, ExitResult, PidOwner} from '../addressing.js'
import {isPid, isWorkflowPid} from '../pid.js'
import type {StartOptions} from '../start-options.js'
import type {Reply} from './process-commands.js'
import type {ProcessRecord} from './process-record.js'
import type {ProcessRelations} from './process-relations.js'

/** What messaging needs of the process host. */
export interface MessagingHost {
  readonly records: ReadonlyMap<string, ProcessRecord>
  readonly clock: () => number
  deliverEvent(rec: ProcessRecord, event: ProcessEvent): void
  /** Queues a message and schedules the process. */
  enqueue(rec: ProcessRecord, delivery: LuaDelivery): void
  exit(rec: ProcessRecord, result: ExitResult): void
  lookup(name: string): string | undefined
  onExit(pid: string, callback: (result: ExitResult) => void): () => void
  owns(dest: string): boolean
  ownsHost(hostId: string): boolean
  startLocal(
    entry: string,
    host: string,
    args: unknown[],
    options: StartOptions,
  ): {error: LuaErrorValue} | {pid: string}
}

/** What `process.terminate` ends a process with (no `retryable`: a supervisor restarts it). */
const TERMINATED: LuaErrorValue = {kind: 'Internal', message: 'process terminated'}

/** Where a destination lives: one of this host's processes, or a PID another host owns. */
type Route = {local: string} | {remote: string} | {error: LuaErrorValue}

export class ProcessMessaging {
  /** The host as the node addresses it. */
  readonly owner: PidOwner

  constructor(
    private readonly host: MessagingHost,
    private readonly node: Addressing,
    private readonly relations: ProcessRelations,
  ) {
    this.owner = {
      cancel: (dest, reason, origin) => this.cancel(origin.from, dest, reason),
      fallbackFor: 'code',
      kind: 'process',
      notify: (watcher, how, target, end) => {
        const rec = host.records.get(watcher)
        if (rec?.running) relations.told(rec, how, target, end.result)
      },
      onEnd: (pid, callback) =>
        host.records.has(pid) ? host.onExit(pid, (result) => callback({at: host.clock(), result})) : undefined,
      owns: (dest) => host.owns(dest),
      send: (dest, topic, payload, origin) => this.send(origin.from, dest, topic, payload),
      start: (spec) => host.startLocal(spec.entry, spec.host, spec.args, spec.options),
      startsOn: (hostId) => host.ownsHost(hostId),
      terminate: (dest, _reason, origin) => this.terminate(origin.from, dest),
    }
  }

  send(from: string, dest: string, topic: string, payload: unknown[]): Reply {
    if (topic.startsWith('@')) return invalid(`topic ${topic} is reserved (topics starting with @ are system topics)`)
    const to = this.route(dest)
    if ('error' in to) return to
    if ('remote' in to) return this.node.send(to.remote, topic, payload, {code: true, from})
    const pid = to.local
    const rec = this.host.records.get(pid)
    // The platform's local send fails for a PID that is not (or no longer) running.
    if (!rec?.running) return notFound(`process ${pid} not found`)
    if (rec.queuedMessages >= rec.queueSize) {
      return {
        error: {
          kind: 'Unavailable',
          message: `the mailbox of ${pid} is full (queue_size ${rec.queueSize})`,
          retryable: true,
        },
      }
    }
    this.host.enqueue(rec, {from, kind: 'message', payload, topic})
    return {value: true}
  }

  cancel(from: string, dest: string, reason: string): Reply {
    const to = this.route(dest)
    if ('error' in to) return to
    if ('remote' in to) return this.node.cancel(to.remote, reason, {code: true, from})
    const rec = this.host.records.get(to.local)
    if (!rec) return notFound(`no process ${to.local}`)
    if (rec.running) this.host.deliverEvent(rec, {at: this.host.clock(), from, kind: 'pid.cancel', reason})
    return {value: true}
  }

  terminate(from: string, dest: string): Reply {
    const to = this.route(dest)
    if ('error' in to) return to
    if ('remote' in to)
      return this.node.terminate(to.remote, from ? `terminated by ${from}` : 'terminated', {code: true, from})
    const rec = this.host.records.get(to.local)
    if (!rec) return notFound(`no process ${to.local}`)
    this.host.exit(rec, {error: TERMINATED})
    return {value: true}
  }

  /** `rec` monitors or links to `dest` (or stops to): locally, or as a watch in the node's graph. */
  relate(rec: ProcessRecord, dest: string, how: 'link' | 'monitor', on: boolean): Reply {
    const to = this.route(dest)
    if ('error' in to) return to
    if ('local' in to) return this.relations.relate(rec, to.local, how, on)
    // A running function can be linked to or monitored; it sends no LINK_DOWN/EXIT when it returns.
    if (this.node.resolve(to.remote)?.kind === 'function') return {value: true}
    if (on) return this.node.watch(rec.pid, to.remote, how)
    this.node.unwatch(rec.pid, to.remote, how)
    return {value: true}
  }

  private route(dest: string): Route {
    const remote = (pid: string): boolean => {
      const owner = this.host.records.has(pid) ? undefined : this.node.resolve(pid)
      return owner !== undefined && owner !== this.owner
    }
    if (isWorkflowPid(dest) && remote(dest)) return {remote: dest}
    const pid = isPid(dest) ? dest : this.host.lookup(dest)
    if (!pid) return notFound(`no process is registered as "${dest}"`)
    return remote(pid) ? {remote: pid} : {local: pid}
  }
}

function notFound(message: string): {error: LuaErrorValue} {
  return {error: {kind: 'NotFound', message, retryable: false}}
}

function invalid(message: string): {error: LuaErrorValue} {
  return {error: {kind: 'Invalid', message, retryable: false}}
}
