/**
 * Workflow PIDs as the platform writes them: `{<temporal.client id>@<temporal.worker id>|<workflow id>}`.
 * Shells dislike the braces and pipes, so every command also accepts the bare workflow ID or
 * a unique prefix of it (see `resolveRunQuery`). Parsing and run keys live in `history/run-names.ts`.
 */
import {parsePid} from '../../history/run-names.js'

export {parsePid, runKeyOf} from '../../history/run-names.js'

export interface WorkflowPid {
  client: string
  worker: string
  workflowId: string
}

export function formatWorkflowPid(pid: WorkflowPid): string {
  return `{${pid.client}@${pid.worker}|${pid.workflowId}}`
}

/** A generated workflow ID: 12 hex chars of randomness, easy to type by prefix. */
export function newWorkflowId(random: () => number = Math.random): string {
  let id = 'wf-'
  for (let i = 0; i < 12; i++) id += Math.floor(random() * 16).toString(16)
  return id
}

/** A run ID: distinguishes runs that reuse a workflow ID (after the earlier one closed). */
export function newRunId(random: () => number = Math.random): string {
  let id = ''
  for (let i = 0; i < 8; i++) id += Math.floor(random() * 16).toString(16)
  return id
}

/** The client and worker of a workflow PID (`{client@worker|id}`). */
export function clientAndWorkerOf(pid: string): [client: string, worker: string] {
  const parsed = parsePid(pid)
  return parsed?.node ? [parsed.node, parsed.host] : ['local', parsed?.host ?? 'local']
}
