import {WippyError} from '../../errors.js'
import {type CommandIdentity, describeIdentity} from './event-identity.js'
import {workflowIdOf} from './block-reason.js'

export interface Divergence {
  /** What the code issued now (or "nothing" when it stopped issuing commands). */
  got: string
  /** The recorded event index (its `seq`). */
  eventIndex: number
  /** What the history holds at that index. */
  expected: string
  /** The full PID (kept for --json and --verbose; messages name the workflow ID). */
  pid: string
  /** Lua `file:line` of the command the code issued, when it issued one. */
  where?: string
}

/**
 * Thrown when replaying a workflow's history against its code finds the code issuing a
 * different command than the one recorded. The history is left untouched.
 */
export function nondeterminismError(d: Divergence): WippyError {
  const where = d.where ? ` (${d.where})` : ''
  const [file, line] = d.where ? splitWhere(d.where) : [undefined, undefined]
  const id = workflowIdOf(d.pid)
  // The fork keeps the events before the divergence (at least the start).
  const at = Math.max(1, d.eventIndex - 1)
  return new WippyError(
    'WIPPY_NONDETERMINISM',
    `Workflow ${id} diverges from its history at event ${d.eventIndex}: expected ${d.expected}, got ${d.got}${where}.`,
    {
      details: {...d},
      hint: `Workflow code must issue the same commands in the same order when replayed. Revert the change, guard it with workflow.version(), or start a new run on the new code with \`wippy fork ${id} --at ${at}\`.`,
      ...(file === undefined ? {} : {file}),
      ...(line === undefined ? {} : {line}),
    },
  )
}

/** The divergence a nondeterminism error carries (its details); undefined for any other error. */
export function divergenceOf(error: WippyError): Divergence | undefined {
  return DIVERGENCE_CODES.has(error.code) ? (error.details as unknown as Divergence) : undefined
}

/** Errors that say where the code and the history part (a version out of range included). */
const DIVERGENCE_CODES: ReadonlySet<string> = new Set(['WIPPY_NONDETERMINISM', 'WIPPY_VERSION_UNSUPPORTED'])

/**
 * Descriptions of two commands that differ, for a divergence message. Each is cut short, but
 * never so that the two read alike: when the short forms match, both show the stretch around
 * the first character where they differ.
 */
export function describeMismatch(expected: CommandIdentity, got: CommandIdentity): {expected: string; got: string} {
  const short = {expected: describeIdentity(expected), got: describeIdentity(got)}
  if (short.expected !== short.got) return short
  const a = describeIdentity(expected, Number.POSITIVE_INFINITY)
  const b = describeIdentity(got, Number.POSITIVE_INFINITY)
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  const window = (s: string): string => {
    const start = Math.max(0, i - 30)
    const end = Math.min(s.length, i + 50)
    return `${start > 0 ? '…' : ''}${s.slice(start, end)}${end < s.length ? '…' : ''}`
  }
  return {expected: window(a), got: window(b)}
}

function splitWhere(where: string): [string, number | undefined] {
  const m = /^(.*):(\d+)$/.exec(where)
  return m ? [m[1]!, Number(m[2])] : [where, undefined]
}
