/**
 * What `workflow.info()` returns inside a run: Temporal's WorkflowInfo fields, from the registry.
 * `attempt` is 1 unless a workflow retry policy started this run again (the host then passes
 * it); `history_length` and `history_size` are added by the prelude at each call (they change
 * as the run goes on, see the `workflow.history` op).
 */
import {clientAndWorkerOf} from '../hosts/workflows/pid.js'
import {type Registry, temporalClientConfig, temporalWorkerConfig} from '../registry/index.js'

export function workflowInfo(
  registry: Registry,
  run: {attempt?: number; entry: string; pid: string; runId: string; workflowId: string},
): Record<string, unknown> {
  const [client, worker] = clientAndWorkerOf(run.pid)
  const info: Record<string, unknown> = {
    attempt: run.attempt ?? 1,
    run_id: run.runId,
    workflow_id: run.workflowId,
    workflow_type: run.entry,
  }
  const workerEntry = registry.entries.get(worker)
  const clientEntry = registry.entries.get(client)
  // A broken worker or client entry still lets the run go on; those fields are just left out.
  try {
    if (workerEntry?.kind === 'temporal.worker') info.task_queue = temporalWorkerConfig(workerEntry).taskQueue
    if (clientEntry?.kind === 'temporal.client') info.namespace = temporalClientConfig(clientEntry).namespace
  } catch {
    // (left out)
  }
  return info
}
