/**
 * The node: the one place that knows which host owns a PID, and who watches whom. Hosts
 * register with it (owns, send, cancel, terminate, start, onEnd) and reach every PID they do
 * not own through it, so a function, a process, a workflow and the CLI address one another
 * the same way (Temporal's workflows likewise push a signal or a cancel and the server
 * routes it). It is built first; the hosts take it as their only outward dependency.
 */
import {WippyError} from '../errors.js'
import type {
  Addressing,
  Delivered,
  EndNotice,
  ExitResult,
  NameDirectory,
  Origin,
  PidOwner,
  StartSpec,
  WatchKind,
} from '../hosts/addressing.js'
import type {LuaErrorValue} from '../lua/types.js'
import type {Registry} from '../registry/index.js'

/** Ends a watch before its target ends. */
type Stop = () => void

export class Node implements Addressing {
  private readonly owners: PidOwner[] = []
  /** The watch graph: watcher → `how:target` (`exec:target#n`: one per exec) → how to stop it. */
  private readonly watches = new Map<string, Map<string, Stop>>()
  /** Numbers exec edges: two concurrent execs of one target by one watcher each wait for its end. */
  private execs = 0
  private directory?: NameDirectory

  constructor(private readonly registry: () => Registry) {}

  register(owner: PidOwner): void {
    this.owners.push(owner)
  }

  setNames(names: NameDirectory): void {
    this.directory = names
  }

  names(): NameDirectory | undefined {
    return this.directory
  }

  /**
   * The host that owns `dest` (a PID, a name, a workflow ID). For anything else the host a
   * caller falls back on gives the error: the workflow host for the CLI (a workflow ID prefix
   * is resolved there), the process host for code.
   */
  resolve(dest: string): PidOwner | undefined {
    return this.owners.find((o) => o.owns(dest))
  }

  send(dest: string, topic: string, payload: unknown[], origin: Origin): Promise<Delivered> {
    return this.route('process.send', dest, origin, (o) => o.send(dest, topic, payload, origin))
  }

  cancel(dest: string, reason: string, origin: Origin): Promise<Delivered> {
    return this.route('process.cancel', dest, origin, (o) => o.cancel(dest, reason, origin))
  }

  terminate(dest: string, reason: string, origin: Origin): Promise<Delivered> {
    return this.route('process.terminate', dest, origin, (o) => o.terminate(dest, reason, origin))
  }

  startTarget(entry: string, host: string): {host: string; owner?: PidOwner} {
    // No host given: the entry's meta.default_host (how funcs.call runs a process.lua).
    let on = host
    if (!on) {
      const dh = this.registry().entries.get(entry)?.meta.default_host
      if (typeof dh === 'string' && dh !== '') on = dh
    }
    const owner = on ? this.owners.find((o) => o.startsOn?.(on)) : undefined
    return owner ? {host: on, owner} : {host: on}
  }

  /** Starts `spec` on the host that runs its host entry; the spawn options were decoded by the caller. */
  async start(spec: StartSpec): Promise<{error: LuaErrorValue} | {pid: string}> {
    const {host, owner} = this.startTarget(spec.entry, spec.host)
    const runner = owner ?? this.owners.find((o) => o.fallbackFor === 'code' && o.start)
    if (!runner?.start)
      return {error: {kind: 'NotFound', message: `no process.host or temporal.worker entry ${host}`, retryable: false}}
    return runner.start({...spec, host})
  }

  watch(watcher: string, dest: string, how: 'link' | 'monitor'): ExitResult {
    const owner = this.resolve(dest)
    if (!owner) return notFound(`no process ${dest}`)
    const target = owner.pidOf?.(dest) ?? dest
    const from = this.resolve(watcher)
    // A watcher no host owns could never be told.
    if (!from) return {value: true}
    return this.add(watcher, target, how, owner, (end) => from?.notify?.(watcher, how, target, end), from)
  }

  exec(watcher: string, dest: string): Promise<ExitResult> {
    const owner = this.resolve(dest)
    if (!owner) return Promise.resolve(notFound(`no process ${dest}`))
    const target = owner.pidOf?.(dest) ?? dest
    return new Promise((resolve) => {
      const r = this.add(watcher, target, 'exec', owner, (end) => resolve(end.result))
      if (r.error) resolve(r)
    })
  }

  unwatch(watcher: string, dest: string, how: WatchKind): void {
    const target = this.resolve(dest)?.pidOf?.(dest) ?? dest
    const edges = [...(this.watches.get(watcher)?.entries() ?? [])]
    // Unwatching an exec stops every exec of that target by this watcher.
    const mine = (key: string) => (how === 'exec' ? key.startsWith(`exec:${target}#`) : key === `${how}:${target}`)
    for (const [key, stop] of edges) if (mine(key)) stop()
  }

  unwatchAll(watcher: string): void {
    for (const stop of [...(this.watches.get(watcher)?.values() ?? [])]) stop()
    this.watches.delete(watcher)
  }

  /** Puts one edge in the graph; it leaves when the target ends or the watcher stops it. */
  private add(
    watcher: string,
    target: string,
    how: WatchKind,
    owner: PidOwner,
    fire: (end: EndNotice) => void,
    from?: PidOwner,
  ): ExitResult {
    let byKey = this.watches.get(watcher)
    if (!byKey) {
      byKey = new Map()
      this.watches.set(watcher, byKey)
    }
    // A link or a monitor is one edge however often it is asked for; each exec is its own.
    const key = how === 'exec' ? `exec:${target}#${++this.execs}` : `${how}:${target}`
    if (byKey.has(key)) return {value: true}
    const counted = how !== 'exec' ? from : undefined
    let live = true
    let unsubscribe: (() => void) | undefined
    const drop = (): boolean => {
      if (!live) return false
      live = false
      byKey.delete(key)
      if (byKey.size === 0) this.watches.delete(watcher)
      counted?.held?.(watcher, -1)
      return true
    }
    const stop: Stop = () => {
      if (drop()) unsubscribe?.()
    }
    byKey.set(key, stop)
    counted?.held?.(watcher, 1)
    unsubscribe = owner.onEnd(target, (end) => {
      if (drop()) fire(end)
    })
    if (!unsubscribe && live) {
      drop()
      return notFound(`no process ${target}`)
    }
    return {value: true}
  }

  private async route(
    op: string,
    dest: string,
    origin: Origin,
    fn: (owner: PidOwner) => Delivered | Promise<Delivered>,
  ): Promise<Delivered> {
    const owner = this.resolve(dest) ?? this.owners.find((o) => o.fallbackFor === (origin.code ? 'code' : 'cli'))
    if (!owner) {
      const message = `${op}: no workflow or process ${dest}`
      if (!origin.code)
        throw new WippyError('WIPPY_PID_UNKNOWN', `${message}.`, {
          hint: 'List runs and processes with `wippy ps --all`.',
          kind: 'usage',
        })
      return notFound(message)
    }
    if (!origin.code) return fn(owner)
    try {
      return await fn(owner)
    } catch (error) {
      // A host refused (closed or unknown run...): code gets an error value, never a throw.
      return notFound(error instanceof Error ? error.message : String(error))
    }
  }
}

function notFound(message: string): {error: LuaErrorValue} {
  return {error: {kind: 'NotFound', message, retryable: false}}
}
