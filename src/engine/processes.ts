/**
 * The engine's plain-process side: one ProcessHost for every `process.host` entry and the
 * ServiceSupervisor for `process.service` entries, wired to the workflow host (processes
 * spawn, signal, cancel and monitor workflows) and to the function host (`funcs.call`).
 */
import type {HistoryEvent} from '../history/events.js'
import {
  type ExitResult,
  type FunctionProcessGateway,
  ProcessHost,
  ServiceSupervisor,
  type WorkflowGateway,
  functionProcessGateway,
  isWorkflowPid,
  processTable,
} from '../hosts/processes/index.js'
import type {WorkflowHost} from '../hosts/workflows/workflow-host.js'
import type {LuaErrorValue} from '../lua/types.js'
import type {Registry, RegistryDiff} from '../registry/index.js'
import type {EngineEvent, ProcessInfo} from './api.js'
import {programSpecOf} from './code-catalog.js'
import {exitEventOf} from '../history/run-view.js'
import type {LuaServices} from './lua-services.js'
import {findWorker} from './spawn-host.js'
import {conflictPolicyOf} from '../hosts/workflows/start-policy.js'

export interface ProcessSideOptions {
  emit(event: EngineEvent): void
  env(key: string): string | undefined
  lua: LuaServices
  registry(): Registry
  workflows: WorkflowHost
}

export class ProcessSide {
  /** What functions use for `process.*` commands that target plain processes. */
  readonly gateway: FunctionProcessGateway

  private constructor(
    readonly host: ProcessHost,
    readonly supervisor: ServiceSupervisor,
    registry: () => Registry,
  ) {
    this.gateway = functionProcessGateway(host, (id) => registry().entries.get(id)?.kind === 'process.host')
  }

  /** Creates the host and starts the `auto_start` services (in `requires` order). */
  static async start(options: ProcessSideOptions): Promise<ProcessSide> {
    let side: ProcessSide | undefined
    const host = await ProcessHost.create({
      env: options.env,
      functions: {call: (entry, args, o) => options.lua.callFunction(entry, args, o.context ? {context: o.context} : {})},
      log: (pid, level, message, fields) => options.emit({fields, level, message, pid, type: 'log'}),
      onChange: (status) => {
        if (side) options.emit({summary: side.infoOf(status), type: 'run'})
      },
      registry: options.registry,
      resolveProcess: (id) => {
        const registry = options.registry()
        const entry = registry.entries.get(id)
        return entry?.kind === 'process.lua' ? programSpecOf(registry, entry, 'process') : undefined
      },
      workflows: workflowGateway(options.workflows, options.registry),
    })
    const supervisor = new ServiceSupervisor({
      host,
      log: (service, level, message) => options.emit({level, message, pid: service, type: 'log'}),
      // A service's own changes (failed, waiting to restart, restarted) reach the status stream.
      onChange: (status) => {
        const row = side?.list({all: true}).find((r) => r.kind === 'service' && r.id === status.id)
        if (row) options.emit({summary: row, type: 'run'})
      },
      registry: options.registry(),
    })
    side = new ProcessSide(host, supervisor, options.registry)
    await supervisor.start()
    return side
  }

  /** True when `dest` names a plain process (a process PID or a registered name). */
  owns(dest: string): boolean {
    return !isWorkflowPid(dest) && this.gateway.owns(dest)
  }

  send(dest: string, topic: string, payload: unknown[], from: string): Promise<LuaErrorValue | undefined> {
    return this.host.send(dest, topic, payload, from)
  }

  control(action: 'cancel' | 'terminate', dest: string, reason: string, from: string): Promise<LuaErrorValue | undefined> {
    return action === 'cancel' ? this.host.cancel(dest, reason, from) : this.host.terminate(dest, from)
  }

  /** Rows for `wippy ps`: services (any state) and processes (running, or all). */
  list(filter: {all?: boolean} = {}): ProcessInfo[] {
    return processTable(this.host, this.supervisor, filter).map((row) => ({
      entry: row.entry,
      id: row.service ?? row.pid ?? row.entry,
      kind: row.kind,
      loaded: row.status === 'running' || row.status === 'Running',
      pid: row.pid ?? '',
      startedAt: (row.pid ? this.host.get(row.pid)?.startedAt : undefined) ?? Date.now(),
      status: row.status.toLowerCase(),
      ...(row.waiting ? {waiting: row.waiting} : {}),
      ...(row.lastError ? {problem: row.lastError} : {}),
      ...(row.restarts ? {restarts: row.restarts} : {}),
    }))
  }

  /** Applies a reload: changed processes and services restart per their policy. */
  async applyRegistry(next: Registry, diff: RegistryDiff): Promise<void> {
    this.host.applyRegistry(diff)
    await this.supervisor.applyRegistry(next)
  }

  async close(): Promise<void> {
    await this.supervisor.stopAll()
    this.host.close()
  }

  /**
   * The row a process change updates: the process's own, or for a service's process (which
   * has no row of its own) its service's row, so an ended service process is not a new row.
   */
  private infoOf(status: {entry: string; pid: string; service?: string; startedAt: number; status: string}): ProcessInfo {
    const rows = this.list({all: true})
    const row = rows.find((r) => r.pid === status.pid) ?? (status.service ? rows.find((r) => r.kind === 'service' && r.id === status.service) : undefined)
    return row ?? {entry: status.entry, id: status.pid, kind: 'process', loaded: false, pid: status.pid, startedAt: status.startedAt, status: status.status}
  }
}

/** The workflow host as processes see it. */
function workflowGateway(workflows: WorkflowHost, registry: () => Registry): WorkflowGateway {
  return {
    // From code: queued if the run is blocked (see WorkflowHost.signal).
    cancel: (pid, reason, from) => workflows.cancel(pid, reason, from, true),
    onClose(pid, callback) {
      let live = true
      void workflows.waitForClose(pid).then((closing: HistoryEvent) => {
        if (live) callback(exitResult(pid, closing))
      })
      return () => {
        live = false
      }
    },
    signal: (pid, topic, payload, from) => workflows.signal(pid, topic, payload, from, undefined, true),
    async start(request) {
      const host = findWorker(registry(), request.worker)
      if (!host) throw new Error(`no temporal.worker ${request.worker}`)
      const conflictPolicy = conflictPolicyOf(request.options)
      const started = await workflows.start({
        client: host.client,
        entry: request.entry,
        input: request.input,
        worker: host.worker,
        ...(request.context ? {context: request.context} : {}),
        ...(request.workflowId ? {workflowId: request.workflowId} : {}),
        ...(conflictPolicy ? {conflictPolicy} : {}),
      })
      return {pid: started.pid}
    },
    terminate: (pid, reason) => workflows.terminate(pid, reason),
  }
}

function exitResult(pid: string, closing: HistoryEvent): ExitResult {
  const result = exitEventOf(pid, closing).result ?? {}
  return result.error ? {error: result.error} : {value: result.value}
}
