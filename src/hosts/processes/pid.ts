/**
 * Process PIDs as the platform writes them: `{host|0x00001}` for a process on a
 * `process.host`, `{client@worker|workflowId}` for a workflow (docs §3). In Lua a PID is a
 * plain string; these helpers only classify and format it.
 */

/** Formats the PID of the `n`-th process of a host: `{app:processes|0x0002a}` (≥5 hex digits). */
export function formatProcessPid(host: string, n: number): string {
  return `{${host}|0x${n.toString(16).padStart(5, '0')}}`
}

/** True for anything shaped like a PID (`{...|...}`), as opposed to a registered name. */
export function isPid(dest: string): boolean {
  return dest.startsWith('{') && dest.endsWith('}') && dest.includes('|')
}

/** True for a workflow PID `{client@worker|id}`: it lives on the workflow host, not here. */
export function isWorkflowPid(dest: string): boolean {
  return /^\{[^@|{}]+@[^|{}]+\|[^{}]+\}$/.test(dest)
}

/** The host part of a process PID (`app:processes` of `{app:processes|0x00001}`). */
export function hostOfPid(pid: string): string | undefined {
  const m = /^\{([^|{}]+)\|[^{}]+\}$/.exec(pid)
  return m ? m[1] : undefined
}
