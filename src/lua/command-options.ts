/**
 * The options commands carry: `funcs.new():with_options{}` / `with_context{}` for calls,
 * the spawner builder (`process.with_options`, `with_name`, `with_message`, ...) plus the
 * `spawn_monitored`/`spawn_linked` flags for spawns. Decoded once (see command-catalog.ts): known
 * keys of the wrong type are dropped, which is what every reader did with them (they
 * checked `=== true`, `typeof 'string'`, `Array.isArray`); unknown keys pass through
 * untouched (a `funcs` call records its options verbatim in its ActivityScheduled event).
 */

/** A `with_message` message, delivered right after the spawn (SignalWithStart on Temporal). */
export interface SpawnMessage {
  payload: unknown[]
  topic: string
}

export interface CallOptions {
  [key: string]: unknown
  /** `with_context` values: the callee's `ctx` (merged over the caller's). */
  context?: Record<string, unknown>
}

export interface SpawnOptions {
  [key: string]: unknown
  /** `with_context` / `with_actor` / `with_scope` values: the child's `ctx`. */
  context?: Record<string, unknown>
  /** `spawn_linked`: the parent hears of the child's end (and dies with it unless it traps links). */
  link?: boolean
  messages?: SpawnMessage[]
  /** `spawn_monitored`: the parent gets an EXIT event. */
  monitor?: boolean
  /** `with_name`: a registered name for a process, the workflow ID for a workflow. */
  name?: string
  /** `true`: refuse a start whose workflow ID runs already (hosts/start-options.ts). Raw: read there. */
  'temporal.workflow.execution_error_when_already_started'?: unknown
  /** The workflow ID (non-empty string; else `name`). Raw: hosts/start-options.ts reads it. */
  'temporal.workflow.id'?: unknown
  /** `fail` | `terminate_existing` | `use_existing` (hosts/start-options.ts). Raw: read there. */
  'temporal.workflow.id_conflict_policy'?: unknown
  /** Set by `workflow.exec`. */
  workflow?: unknown
}

type Check = (v: unknown) => unknown
const bool: Check = (v) => (typeof v === 'boolean' ? v : undefined)
const string: Check = (v) => (typeof v === 'string' ? v : undefined)
const object: Check = (v) => (typeof v === 'object' && v !== null ? v : undefined)
const messages: Check = (v) =>
  Array.isArray(v)
    ? v.map((m: unknown) => {
        const r = (object(m) ?? {}) as {payload?: unknown; topic?: unknown}
        return {payload: Array.isArray(r.payload) ? r.payload : [], topic: String(r.topic)}
      })
    : undefined

/** The typed keys of each options kind and how each is checked. */
export const CALL_OPTIONS: Record<string, Check> = {context: object}
export const SPAWN_OPTIONS: Record<string, Check> = {context: object, link: bool, messages, monitor: bool, name: string}

/** A copy of `raw` with each known key checked (dropped when of the wrong type). */
export function decodeOptions(checks: Record<string, Check>, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    const check = checks[key]
    const v = check ? check(value) : value
    if (v !== undefined) out[key] = v
  }
  return out
}
