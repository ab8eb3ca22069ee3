/**
 * Routes `process.*` commands issued outside workflows (by functions and plain processes)
 * to the host that owns the target: a `temporal.worker` host (durable workflows) or a
 * `process.host` (plain processes). Workflows route their own commands through the
 * workflow host, which records them.
 */
import type {FunctionCaller, ProcessGateway} from '../hosts/functions/index.js'
import type {WorkflowHost} from '../hosts/workflows/workflow-host.js'
import type {LuaCommand, LuaErrorValue} from '../lua/types.js'
import type {Registry} from '../registry/index.js'
import {conflictPolicyOf, contextOf, startErrorOf, workflowIdOf} from '../hosts/workflows/start-policy.js'
import {exitEventOf} from '../history/run-view.js'
import {findWorker} from './spawn-host.js'

type Result = {error?: LuaErrorValue; value?: unknown}

/** Where process-host commands go (the process host implements it; registered names live there too). */
export interface PlainProcesses {
  attach(caller: FunctionCaller): void
  execute(cmd: LuaCommand, caller: FunctionCaller): Promise<Result>
}

export interface ProcessRouterDeps {
  processes?: () => PlainProcesses | undefined
  registry(): Registry
  workflows: WorkflowHost
}

export class ProcessRouter implements ProcessGateway {
  /** Live monitors of workflows, per caller's mailbox: pid → stop. */
  private readonly watches = new WeakMap<FunctionCaller['mailbox'], Map<string, () => void>>()

  constructor(private readonly deps: ProcessRouterDeps) {}

  async execute(cmd: LuaCommand, caller: FunctionCaller): Promise<Result> {
    // From its first process command on, a function can be answered at its PID (a workflow
    // it signalled may reply there), until its call returns.
    this.deps.processes?.()?.attach(caller)
    switch (cmd.op) {
      case 'process.spawn':
      case 'process.exec': {
        const worker = findWorker(this.deps.registry(), String(cmd.args[1] ?? ''))
        if (!worker) return this.toProcesses(cmd, caller)
        return this.startWorkflow(cmd, caller, worker)
      }
      case 'process.send': {
        const target = String(cmd.args[0])
        const topic = String(cmd.args[1])
        if (topic.startsWith('@')) return invalid(`topic ${topic} is reserved`)
        const run = this.deps.workflows.exactRun(target)
        if (!run) return this.toProcesses(cmd, caller)
        // From code: queued if the run is blocked (see WorkflowHost.signal).
        await this.deps.workflows.signal(run.identity.pid, topic, cmd.args.slice(2), caller.pid ?? '', undefined, true)
        return {value: true}
      }
      case 'process.cancel':
      case 'process.terminate': {
        const run = this.deps.workflows.exactRun(String(cmd.args[0]))
        if (!run) return this.toProcesses(cmd, caller)
        if (!run.open) return {value: true}
        if (cmd.op === 'process.cancel') await this.deps.workflows.cancel(run.identity.pid, String(cmd.args[1] ?? 'cancelled'), caller.pid ?? '', true)
        else await this.deps.workflows.terminate(run.identity.pid, 'process terminated')
        return {value: true}
      }
      case 'process.monitor': {
        const run = this.deps.workflows.exactRun(String(cmd.args[0]))
        if (!run) return this.toProcesses(cmd, caller)
        this.watch(run.identity.pid, caller)
        return {value: true}
      }
      case 'process.unmonitor': {
        const run = this.deps.workflows.exactRun(String(cmd.args[0]))
        if (!run) return this.toProcesses(cmd, caller)
        this.watches.get(caller.mailbox)?.get(run.identity.pid)?.()
        return {value: true}
      }
      default: {
        return this.toProcesses(cmd, caller)
      }
    }
  }

  private async startWorkflow(cmd: LuaCommand, caller: FunctionCaller, host: {client: string; worker: string}): Promise<Result> {
    const options = cmd.options ?? {}
    const workflowId = workflowIdOf(options)
    const conflictPolicy = conflictPolicyOf(options)
    const context = contextOf(options)
    let started
    try {
      started = await this.deps.workflows.start({
        client: host.client,
        entry: String(cmd.args[0]),
        input: cmd.args.slice(2),
        worker: host.worker,
        ...(context ? {context} : {}),
        ...(workflowId ? {workflowId} : {}),
        ...(conflictPolicy ? {conflictPolicy} : {}),
      })
    } catch (error) {
      return {error: startErrorOf(error)}
    }
    // with_message: delivered right after the start (SignalWithStart on Temporal).
    for (const m of (Array.isArray(options.messages) ? options.messages : []) as Array<{topic: string; payload?: unknown[]}>) {
      await this.deps.workflows.signal(started.pid, String(m.topic), m.payload ?? [], caller.pid ?? '', undefined, true)
    }
    if (cmd.op === 'process.exec') {
      const closing = await this.deps.workflows.waitForClose(started.pid)
      const exit = exitEventOf(started.pid, closing)
      return exit.result?.error ? {error: exit.result.error} : {value: exit.result?.value ?? null}
    }
    if (options.monitor || options.link) this.watch(started.pid, caller)
    return {value: started.pid}
  }

  /**
   * Delivers the workflow's EXIT event to the caller's `process.events()` when it closes,
   * unless `process.unmonitor` stops the watch first.
   */
  private watch(pid: string, caller: FunctionCaller): void {
    let byPid = this.watches.get(caller.mailbox)
    if (!byPid) {
      byPid = new Map()
      this.watches.set(caller.mailbox, byPid)
    }
    if (byPid.has(pid)) return
    let live = true
    const stop = (): void => {
      if (!live) return
      live = false
      byPid.delete(pid)
      caller.mailbox.expected--
    }
    byPid.set(pid, stop)
    caller.mailbox.expected++
    void this.deps.workflows.waitForClose(pid).then((closing) => {
      if (!live) return
      stop()
      caller.mailbox.push({event: exitEventOf(pid, closing), kind: 'event'})
    })
  }

  private toProcesses(cmd: LuaCommand, caller: FunctionCaller): Promise<Result> {
    const processes = this.deps.processes?.()
    if (processes) return processes.execute(cmd, caller)
    return Promise.resolve({
      error: {kind: 'NotFound', message: `${cmd.op}: no workflow or process ${String(cmd.args[0] ?? '')}`, retryable: false},
    })
  }
}

function invalid(message: string): Result {
  return {error: {kind: 'Invalid', message, retryable: false}}
}
