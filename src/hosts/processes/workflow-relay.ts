/**
 * The process host's side of talking to workflows: everything addressed to a workflow PID
 * (`{client@worker|id}`) or spawned on a `temporal.worker` host goes through the engine's
 * {@link WorkflowGateway}. Failures come back as Lua error values, never as throws.
 */
import type {LuaErrorValue} from '../../lua/types.js'
import type {ExitResult, WorkflowGateway, WorkflowStartRequest} from './gateways.js'
import {internal} from './process-commands.js'
import type {ProcessRecord} from './process-record.js'

/** What a workflow's close means for a process that watches it. */
export interface WatchHandlers {
  exit(rec: ProcessRecord, from: string, result: ExitResult): void
  linkDown(rec: ProcessRecord, from: string, error: LuaErrorValue): void
}

export class WorkflowRelay {
  constructor(
    private readonly gateway: WorkflowGateway | undefined,
    private readonly handlers: WatchHandlers,
  ) {}

  async send(from: string, dest: string, topic: string, payload: unknown[]): Promise<ExitResult> {
    return this.call(dest, (gw) => gw.signal(dest, topic, payload, from))
  }

  async cancel(from: string, dest: string, reason: string): Promise<ExitResult> {
    return this.call(dest, (gw) => gw.cancel(dest, reason, from))
  }

  async terminate(from: string, dest: string): Promise<ExitResult> {
    return this.call(dest, (gw) => gw.terminate(dest, from ? `terminated by ${from}` : 'terminated'))
  }

  /** Starts a workflow for `parent`, delivers `with_message` messages, sets up monitor/link. */
  async start(
    request: Omit<WorkflowStartRequest, 'parent'>,
    parent: ProcessRecord | undefined,
    extra: {link?: boolean; messages?: Array<{payload: unknown[]; topic: string}>; monitor?: boolean},
  ): Promise<{error: LuaErrorValue} | {pid: string}> {
    const gw = this.gateway
    if (!gw) return {error: {kind: 'Unavailable', message: 'workflows are not available to this process host', retryable: false}}
    try {
      const {pid} = await gw.start({...request, parent: parent?.pid ?? ''})
      for (const m of extra.messages ?? []) await gw.signal(pid, m.topic, m.payload, parent?.pid ?? '')
      if (parent?.running && extra.monitor) this.watch(parent, pid, 'monitor', true)
      if (parent?.running && extra.link) this.watch(parent, pid, 'link', true)
      return {pid}
    } catch (error) {
      return {error: internal(error)}
    }
  }

  /** Monitors or links `rec` to a workflow (or stops to); its close arrives as EXIT / LINK_DOWN. */
  watch(rec: ProcessRecord, pid: string, how: 'exec' | 'link' | 'monitor', on: boolean, onExec?: (r: ExitResult) => void): ExitResult {
    const gw = this.gateway
    if (!gw) return {error: {kind: 'NotFound', message: `no workflow host for ${pid}`, retryable: false}}
    const key = `${how}:${pid}`
    if (!on) {
      rec.watching.get(key)?.()
      rec.watching.delete(key)
      return {value: true}
    }
    if (rec.watching.has(key)) return {value: true}
    let fired = false
    const unsub = gw.onClose(pid, (result) => {
      fired = true
      rec.watching.delete(key)
      if (how === 'exec') onExec?.(result)
      else if (!rec.running) return
      else if (how === 'monitor') this.handlers.exit(rec, pid, result)
      else if (result.error) this.handlers.linkDown(rec, pid, result.error)
    })
    if (!fired) rec.watching.set(key, unsub)
    return {value: true}
  }

  private async call(dest: string, fn: (gw: WorkflowGateway) => Promise<void>): Promise<ExitResult> {
    if (!this.gateway) return {error: {kind: 'NotFound', message: `no workflow host for ${dest}`, retryable: false}}
    try {
      await fn(this.gateway)
      return {value: true}
    } catch (error) {
      return {error: {...internal(error), kind: 'NotFound'}}
    }
  }
}
