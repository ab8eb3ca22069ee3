/**
 * Which keys apply to a row: the run keys (signal, skip, cancel, terminate, replay, fork) act
 * on workflow runs only, and the ones that change a run on open runs only. The footer lists
 * only what applies, and a key that does not apply says why instead of failing in the engine.
 */
import type {RunRow} from './feed-state.js'
import type {ShortcutAction, View} from './shortcuts.js'

/** Keys that act on one workflow run, and whether they apply to a row. */
export function actionApplies(action: ShortcutAction, view: View, row: RunRow | undefined): boolean {
  const workflow = row?.kind === 'workflow'
  const open = workflow && (row.status === 'running' || row.status === 'blocked')
  switch (action) {
    case 'open':
      return row !== undefined
    case 'signal':
    case 'skip':
    case 'cancel':
    case 'terminate':
      return open
    case 'replay':
      return workflow
    case 'fork':
      // In the list, f forks a run a reload left on its old code (at the event the reload named).
      return workflow && (view !== 'processes' || row.oldCodeMark?.at !== undefined)
    default:
      return true
  }
}

/** Why a key does nothing on this row. */
export function notApplicable(action: ShortcutAction, row: RunRow): string {
  if (row.kind !== 'workflow') return `That key acts on workflow runs; ${row.id} is a ${row.kind} (enter shows it).`
  if (action === 'fork') return `${row.id} runs on the current code: open it (enter) and pick an event to fork at.`
  return `${row.id} has ${row.status}: only r (replay) and enter apply.`
}
