/**
 * PIDs as the platform writes them (the Wippy platform reference, PIDs), parsed and formatted
 * in one place: `{host|0x00001}` for a process on a `process.host`, `{client@worker|workflowId}`
 * for a workflow. In Lua a PID is a plain string; a destination that is not shaped like one is a
 * registered name (processes) or, from the CLI, a workflow ID or its prefix.
 */

import {parsePid} from '../history/run-names.js'

// The one PID parser sits in history/ so the run view and offline readers use it too.
export {type ParsedPid, parsePid} from '../history/run-names.js'

/** True for anything shaped like a PID (`{...|...}`), as opposed to a registered name. */
export function isPid(dest: string): boolean {
  return dest.startsWith('{') && dest.endsWith('}') && dest.includes('|')
}

/** True for a workflow PID `{client@worker|id}`. */
export function isWorkflowPid(dest: string): boolean {
  return dest === dest.trim() && parsePid(dest)?.node !== undefined
}

/** The host of a process PID (`app:processes` of `{app:processes|0x00001}`); undefined for a workflow PID. */
export function hostOfPid(pid: string): string | undefined {
  const parsed = pid === pid.trim() ? parsePid(pid) : undefined
  return parsed && !parsed.node ? parsed.host : undefined
}

/** Formats the PID of the `n`-th process of a host: `{app:processes|0x0002a}` (≥5 hex digits). */
export function formatProcessPid(host: string, n: number): string {
  return `{${host}|0x${n.toString(16).padStart(5, '0')}}`
}

export interface WorkflowPid {
  client: string
  worker: string
  workflowId: string
}

export function formatWorkflowPid(pid: WorkflowPid): string {
  return `{${pid.client}@${pid.worker}|${pid.workflowId}}`
}

/** The client and worker of a workflow PID (`{client@worker|id}`). */
export function clientAndWorkerOf(pid: string): [client: string, worker: string] {
  const parsed = parsePid(pid)
  return parsed?.node ? [parsed.node, parsed.host] : ['local', parsed?.host ?? 'local']
}
