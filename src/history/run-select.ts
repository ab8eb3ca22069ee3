/**
 * Picks one run of a workflow ID by its run ID (`--run-id`): a workflow ID reused after its
 * earlier run closed (or continued as new) names several runs, and the newest wins unless the
 * user says which. The engine's run directory and the offline readers pick the same way.
 * Pure and zod-free, like `run-view.ts`.
 */
import {WippyError} from '../errors.js'
import {runIdOfKey} from './run-names.js'
import type {RunCandidate} from './run-view.js'

/**
 * The run of `runs` (all of one workflow, oldest first) whose run ID is `runId` or starts with it.
 * @throws WippyError WIPPY_PID_UNKNOWN naming the workflow and listing its runs (newest first, at
 *   most 5), or WIPPY_PID_AMBIGUOUS when a prefix matches several.
 */
export function selectRunById<T extends RunCandidate>(runs: readonly T[], runId: string): T {
  const id = runId.trim()
  const exact = runs.find((r) => runIdOfKey(r.runKey) === id)
  if (exact) return exact
  const prefixed = id === '' ? [] : runs.filter((r) => runIdOfKey(r.runKey)?.startsWith(id))
  if (prefixed.length === 1) return prefixed[0]!
  const workflowId = runs[0]?.workflowId ?? '?'
  if (prefixed.length > 1) {
    throw new WippyError('WIPPY_PID_AMBIGUOUS', `Run ID "${id}" matches ${prefixed.length} runs of ${workflowId}.`, {
      hint: 'Type more characters of the run ID.',
    })
  }
  const known = runs.map((r) => runIdOfKey(r.runKey) ?? '?').reverse()
  const listed = known.slice(0, 5).join(', ') + (known.length > 5 ? ` and ${known.length - 5} more` : '')
  throw new WippyError(
    'WIPPY_PID_UNKNOWN',
    `Workflow ${workflowId} has no run "${id}"; its runs (newest first): ${listed}.`,
    {
      hint: 'Pass one of its run IDs (or a unique prefix) to --run-id; `wippy ps --all --json` shows each run key.',
    },
  )
}
