/**
 * How runs are named where their histories live: a workflow PID as the platform writes it
 * (`{<temporal.client id>@<temporal.worker id>|<workflow id>}`), and the run key that names a
 * history file. Kept below the hosts so the run view and the offline readers can resolve what
 * users type without importing a host (`hosts/workflows/pid.ts` re-exports these).
 */

const PID_RE = /^\{(?:([^@|{}]+)@)?([^|{}]+)\|([^{}]+)\}$/

export interface ParsedPid {
  host: string
  /** The part before `@`: a workflow's `temporal.client`. */
  node?: string
  uniq: string
}

/** Parses any PID (`{host|id}` or `{node@host|id}`); undefined when the text is not a PID. */
export function parsePid(text: string): ParsedPid | undefined {
  const m = PID_RE.exec(text.trim())
  if (!m) return undefined
  return {host: m[2]!, uniq: m[3]!, ...(m[1] ? {node: m[1]} : {})}
}

/** The history file key of a run: filesystem-safe, sorts by workflow ID. */
export function runKeyOf(workflowId: string, runId: string): string {
  return `${workflowId.replaceAll(/[^\w.-]/g, '_')}~${runId}`
}

/** The workflow ID part of a run key (file-safe: `order:1` reads as `order_1`); the key itself when it has none. */
export function workflowOfRunKey(runKey: string): string {
  const at = runKey.lastIndexOf('~')
  return at === -1 ? runKey : runKey.slice(0, at)
}

/** The run ID part of a run key (`<workflow id>~<run id>`); undefined when it has none. */
export function runIdOfKey(runKey: string | undefined): string | undefined {
  if (runKey === undefined) return undefined
  const at = runKey.lastIndexOf('~')
  return at === -1 ? undefined : runKey.slice(at + 1)
}
