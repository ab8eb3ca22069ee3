import {WippyError} from '../../errors.js'

export interface Divergence {
  /** What the code issued now (or "nothing" when it stopped issuing commands). */
  got: string
  /** The recorded event index (its `seq`). */
  eventIndex: number
  /** What the history holds at that index. */
  expected: string
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
  return new WippyError(
    'WIPPY_NONDETERMINISM',
    `Workflow ${d.pid} diverges from its history at event ${d.eventIndex}: expected ${d.expected}, got ${d.got}${where}.`,
    {
      details: {...d},
      hint: 'Workflow code must issue the same commands in the same order when replayed. Revert the change, guard it with workflow.version(), or start a new run on the new code with `wippy fork <pid> --at <event>`.',
      ...(file === undefined ? {} : {file}),
      ...(line === undefined ? {} : {line}),
    },
  )
}

function splitWhere(where: string): [string, number | undefined] {
  const m = /^(.*):(\d+)$/.exec(where)
  return m ? [m[1]!, Number(m[2])] : [where, undefined]
}
