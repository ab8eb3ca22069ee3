/**
 * The engine's plain-process side: one ProcessHost for every `process.host` entry and the
 * ServiceSupervisor for `process.service` entries, registered with the node (through which
 * processes spawn, signal, cancel and monitor workflows) and wired to the function host (`funcs.call`).
 */
import type {Addressing} from '../hosts/addressing.js'
import {ProcessHost, ServiceSupervisor, processTable} from '../hosts/processes/index.js'
import type {Registry, RegistryDiff} from '../registry/index.js'
import type {EngineEvent, ProcessInfo} from './api.js'
import {programSpecOf} from './code-catalog.js'
import type {LuaServices} from './lua-services.js'
import type {LuaRuntime} from '../lua/vm/runtime.js'

export interface ProcessSideOptions {
  emit(event: EngineEvent): void
  env(key: string): string | undefined
  lua: LuaServices
  node: Addressing
  registry(): Registry
}

export class ProcessSide {
  readonly host: ProcessHost
  readonly supervisor: ServiceSupervisor

  /** Creates the host (registered with the node at once); services start with {@link startServices}. */
  constructor(options: ProcessSideOptions, runtime: LuaRuntime) {
    this.host = ProcessHost.open({
      env: options.env,
      functions: {
        call: (entry, args, o) => options.lua.callFunction(entry, args, o.context ? {context: o.context} : {}),
      },
      log: (pid, level, message, fields) => options.emit({fields, level, message, pid, type: 'log'}),
      onChange: (status) => options.emit({summary: this.infoOf(status), type: 'run'}),
      node: options.node,
      registry: options.registry,
      resolveProcess: (id) => {
        const registry = options.registry()
        const entry = registry.entries.get(id)
        return entry?.kind === 'process.lua' ? programSpecOf(registry, entry, 'process') : undefined
      },
      runtime,
    })
    this.supervisor = new ServiceSupervisor({
      host: this.host,
      log: (service, level, message) => options.emit({level, message, pid: service, type: 'log'}),
      // A service's own changes (failed, waiting to restart, restarted) reach the status stream.
      onChange: (status) => {
        const row = this.list({all: true}).find((r) => r.kind === 'service' && r.id === status.id)
        if (row) options.emit({summary: row, type: 'run'})
      },
      registry: options.registry(),
    })
  }

  /** Starts the `auto_start` services (in `requires` order): after workflow recovery. */
  startServices(): Promise<void> {
    return this.supervisor.start()
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
  private infoOf(status: {
    entry: string
    pid: string
    service?: string
    startedAt: number
    status: string
  }): ProcessInfo {
    const rows = this.list({all: true})
    const row =
      rows.find((r) => r.pid === status.pid) ??
      (status.service ? rows.find((r) => r.kind === 'service' && r.id === status.service) : undefined)
    return (
      row ?? {
        entry: status.entry,
        id: status.pid,
        kind: 'process',
        loaded: false,
        pid: status.pid,
        startedAt: status.startedAt,
        status: status.status,
      }
    )
  }
}
