/**
 * Registered process names (`process.registry`, `with_name`): one name → one running PID,
 * LOCAL scope only (the cluster scopes mean nothing on one machine). A name dies with its
 * process.
 */
import type {LuaErrorValue} from '../../lua/types.js'
import type {ExitResult} from '../addressing.js'
import {isPid} from '../pid.js'
import type {ProcessRecord} from './process-record.js'

export class ProcessNames {
  private readonly names = new Map<string, string>()

  constructor(
    private readonly records: ReadonlyMap<string, ProcessRecord>,
    /** True for a PID that is no process record but can still receive (a running function). */
    private readonly aliveElsewhere: (pid: string) => boolean = () => false,
  ) {}

  /** The running PID registered under `name`, if any. */
  lookup(name: string): string | undefined {
    const pid = this.names.get(name)
    return pid && (this.records.get(pid)?.running || this.aliveElsewhere(pid)) ? pid : undefined
  }

  /** Registers `name` for a running function's PID (re-registering the same PID is fine). */
  registerOther(name: unknown, pid: string): ExitResult {
    if (typeof name !== 'string' || name === '' || isPid(name))
      return {error: {kind: 'Invalid', message: 'process.registry.register expects a name', retryable: false}}
    if (!this.aliveElsewhere(pid))
      return {error: {kind: 'NotFound', message: `no running process ${pid}`, retryable: false}}
    const conflict = this.conflict(name, pid)
    if (conflict) return {error: conflict}
    this.names.set(name, pid)
    return {value: true}
  }

  /** The error a new registration of `name` for `pid` would get, if any. */
  conflict(name: string, pid?: string): LuaErrorValue | undefined {
    const holder = this.lookup(name)
    if (holder && holder !== pid)
      return {kind: 'AlreadyExists', message: `the name "${name}" is already registered to ${holder}`, retryable: false}
    return undefined
  }

  /** Registers without checks (call {@link conflict} first). */
  set(name: string, rec: ProcessRecord): void {
    this.names.set(name, rec.pid)
    rec.names.add(name)
  }

  /** `process.registry.register(name, pid?)` on behalf of `caller`. */
  register(caller: ProcessRecord, name: unknown, pid: unknown): ExitResult {
    if (typeof name !== 'string' || name === '' || isPid(name))
      return {error: {kind: 'Invalid', message: 'process.registry.register expects a name', retryable: false}}
    const target = typeof pid === 'string' && pid !== '' ? pid : caller.pid
    const rec = this.records.get(target)
    if (!rec?.running) return {error: {kind: 'NotFound', message: `no running process ${target}`, retryable: false}}
    const conflict = this.conflict(name, target)
    if (conflict) return {error: conflict}
    this.set(name, rec)
    return {value: true}
  }

  /** True when the name was registered. */
  unregister(name: unknown): boolean {
    if (typeof name !== 'string') return false
    const pid = this.names.get(name)
    if (!pid) return false
    this.names.delete(name)
    this.records.get(pid)?.names.delete(name)
    return true
  }

  /** Drops every name of a process that ended. */
  release(rec: ProcessRecord): void {
    for (const name of rec.names) if (this.names.get(name) === rec.pid) this.names.delete(name)
  }
}
