/**
 * The workflow host as the node sees it: the PIDs it owns (its runs, and anything shaped like
 * a workflow PID), what a delivery from code or from the CLI means for a run, starts on a
 * `temporal.worker` host, and a run's end for its watchers.
 */
import type {Addressing, Delivered, Origin, PidOwner, StartSpec} from '../addressing.js'
import {isWorkflowPid} from '../pid.js'
import {exitResultOf} from '../../history/run-view.js'
import type {WorkflowRun} from './run.js'
import {startErrorOf} from './start-policy.js'
import type {WorkflowHost} from './workflow-host.js'

export function workflowOwner(
  host: WorkflowHost,
  node: Addressing,
  workers: (host: string) => {client: string; worker: string} | undefined,
): PidOwner {
  // Code names a run exactly; the CLI may give a workflow ID prefix (and hears why not).
  const runOf = (dest: string, origin: Origin): WorkflowRun =>
    (origin.code ? host.exactRun(dest) : undefined) ?? host.requireRun(dest)
  return {
    fallbackFor: 'cli',
    kind: 'workflow',
    owns: (dest) => isWorkflowPid(dest) || host.exactRun(dest) !== undefined,
    pidOf: (dest) => host.exactRun(dest)?.identity.pid,
    async send(dest, topic, payload, origin): Promise<Delivered> {
      const run = runOf(dest, origin)
      // From code: queued if the run is blocked (see WorkflowHost.signal).
      await host.signal(run.identity.pid, topic, payload, origin.from, undefined, origin.code)
      return {pid: run.identity.pid, value: true}
    },
    async cancel(dest, reason, origin): Promise<Delivered> {
      const run = runOf(dest, origin)
      if (origin.code && !run.open) return {pid: run.identity.pid, value: true}
      await host.cancel(run.identity.pid, reason, origin.from, origin.code)
      return {pid: run.identity.pid, value: true}
    },
    async terminate(dest, reason, origin): Promise<Delivered> {
      const run = runOf(dest, origin)
      if (origin.code && !run.open) return {pid: run.identity.pid, value: true}
      await host.terminate(run.identity.pid, reason)
      return {pid: run.identity.pid, value: true}
    },
    startsOn: (hostId) => workers(hostId) !== undefined,
    async start(spec: StartSpec) {
      const o = spec.options
      // `workflow.task_queue` overrides the host argument (the worker serving that queue).
      const worker = workers(o.workflow.taskQueue ?? spec.host)
      if (!worker)
        return {
          error: {
            kind: 'NotFound',
            message: `no temporal.worker ${o.workflow.taskQueue ?? spec.host}`,
            retryable: false,
          },
        }
      let pid: string
      try {
        pid = (
          await host.start({
            client: worker.client,
            entry: spec.entry,
            input: spec.args,
            startOptions: o.workflow,
            worker: worker.worker,
            ...(o.context ? {context: o.context} : {}),
            ...(o.workflowId ? {workflowId: o.workflowId} : {}),
            ...(o.conflictPolicy ? {conflictPolicy: o.conflictPolicy} : {}),
          })
        ).pid
        // with_message: delivered right after the start (SignalWithStart on Temporal).
        for (const m of o.messages) await host.signal(pid, m.topic, m.payload, spec.origin.from, undefined, true)
      } catch (error) {
        return {error: startErrorOf(error)}
      }
      if (spec.origin.from && o.monitor) node.watch(spec.origin.from, pid, 'monitor')
      if (spec.origin.from && o.link) node.watch(spec.origin.from, pid, 'link')
      return {pid}
    },
    onEnd(pid, callback) {
      const run = host.exactRun(pid)
      if (!run) return undefined
      let live = true
      void host.waitForClose(run.identity.pid).then((closing) => {
        if (!live) return
        callback({at: closing.ts, result: exitResultOf(closing)})
      })
      return () => {
        live = false
      }
    },
  }
}
