/**
 * Monitors and links between processes of this host: who gets an EXIT or a LINK_DOWN when a
 * process ends. Watches that cross to another host (a workflow, a function) are the node's
 * watch graph; this is the local half, where a link goes both ways.
 */
import type {LuaErrorValue, ProcessEvent} from '../../lua/types.js'
import type {ExitResult} from '../addressing.js'
import type {ProcessRecord} from './process-record.js'

export interface RelationsHost {
  readonly records: ReadonlyMap<string, ProcessRecord>
  clock(): number
  deliverEvent(rec: ProcessRecord, event: ProcessEvent): void
  exit(rec: ProcessRecord, result: ExitResult): void
}

export class ProcessRelations {
  constructor(private readonly host: RelationsHost) {}

  /** A new process `child` of `parent`, monitored and/or linked as its spawn asked. */
  spawned(parent: ProcessRecord, child: ProcessRecord, how: {link?: boolean; monitor?: boolean}): void {
    if (how.monitor) {
      child.monitors.add(parent.pid)
      parent.monitoring.add(child.pid)
    }
    if (how.link) {
      child.links.add(parent.pid)
      parent.links.add(child.pid)
    }
  }

  /** `rec` starts (or stops) monitoring or linking to the local process `pid`. */
  relate(rec: ProcessRecord, pid: string, how: 'link' | 'monitor', on: boolean): ExitResult {
    const target = this.host.records.get(pid)
    if (!on) {
      if (how === 'monitor') {
        target?.monitors.delete(rec.pid)
        rec.monitoring.delete(pid)
      } else {
        target?.links.delete(rec.pid)
        rec.links.delete(pid)
      }
      return {value: true}
    }
    if (!target) return {error: {kind: 'NotFound', message: `no process ${pid}`, retryable: false}}
    if (pid === rec.pid) return {error: {kind: 'Invalid', message: `a process can't ${how} itself`, retryable: false}}
    if (!target.running) {
      // Already gone: the watcher still learns how it ended.
      this.told(rec, how, pid, target.result ?? {})
      return {value: true}
    }
    if (how === 'monitor') {
      target.monitors.add(rec.pid)
      rec.monitoring.add(pid)
    } else {
      target.links.add(rec.pid)
      rec.links.add(pid)
    }
    return {value: true}
  }

  /** What a watcher hears of `from`'s end: EXIT for a monitor, LINK_DOWN (or its own end) for a failed link. */
  told(rec: ProcessRecord, how: 'link' | 'monitor', from: string, result: ExitResult): void {
    if (how === 'monitor') this.host.deliverEvent(rec, {at: this.host.clock(), from, kind: 'pid.exit', result})
    else if (result.error) this.linkDown(rec, from, result.error)
  }

  linkDown(rec: ProcessRecord, from: string, error: LuaErrorValue): void {
    if (!rec.running) return
    if (rec.trapLinks)
      this.host.deliverEvent(rec, {at: this.host.clock(), from, kind: 'pid.link.down', reason: error.message})
    else
      this.host.exit(rec, {
        error: {kind: 'LinkDown', message: `linked process ${from} failed: ${error.message}`, retryable: true},
      })
  }

  /** `rec` ended with `result`: its monitors get EXIT, its links LINK_DOWN on failure. */
  ended(rec: ProcessRecord, result: ExitResult): void {
    const records = this.host.records
    for (const pid of rec.monitoring) records.get(pid)?.monitors.delete(rec.pid)
    const at = this.host.clock()
    for (const pid of rec.monitors) {
      const watcher = records.get(pid)
      if (watcher) this.host.deliverEvent(watcher, {at, from: rec.pid, kind: 'pid.exit', result})
    }
    for (const pid of rec.links) {
      const other = records.get(pid)
      if (!other) continue
      other.links.delete(rec.pid)
      if (result.error) this.linkDown(other, rec.pid, result.error)
    }
  }
}
