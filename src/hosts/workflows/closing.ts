/** What a closed run returns to whoever waits on it (a parent, a monitor, `spawn --wait`). */
import type {HistoryEvent, RecordedError} from '../../history/events.js'
import type {RunStatus} from './run.js'

/**
 * The result or error of a closing event. Cancelled and terminated runs end with a
 * `Canceled` error carrying the reason. Undefined for an event that does not close a run.
 */
export function closingOutcome(closing: HistoryEvent): {error?: RecordedError; result?: unknown} | undefined {
  switch (closing.type) {
    case 'WorkflowCompleted': {
      return {result: closing.result}
    }
    case 'WorkflowFailed': {
      return {error: closing.error}
    }
    case 'WorkflowCancelled':
    case 'WorkflowTerminated': {
      return {error: {kind: 'Canceled', message: closing.reason ?? (closing.type === 'WorkflowCancelled' ? 'workflow cancelled' : 'workflow terminated')}}
    }
    default: {
      return undefined
    }
  }
}

/** The status a run has after its closing event. */
export function statusOfClose(e: HistoryEvent): RunStatus {
  switch (e.type) {
    case 'WorkflowCompleted': {
      return 'completed'
    }
    case 'WorkflowCancelled': {
      return 'cancelled'
    }
    case 'WorkflowTerminated': {
      return 'terminated'
    }
    default: {
      return 'failed'
    }
  }
}
