/** The EXIT event (`process.event.EXIT`) a monitor receives when a workflow closes. */
import type {HistoryEvent} from '../history/events.js'
import {closingOutcome} from '../hosts/workflows/closing.js'
import type {ProcessEvent} from '../lua/types.js'

export function exitEventOf(pid: string, closing: HistoryEvent): ProcessEvent {
  const outcome = closingOutcome(closing) ?? {}
  return {at: closing.ts, from: pid, kind: 'pid.exit', result: outcome.error ? {error: outcome.error} : {value: outcome.result}}
}
