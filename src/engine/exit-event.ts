/** The EXIT event (`process.event.EXIT`) a monitor receives when a workflow closes. */
import type {HistoryEvent} from '../history/events.js'
import type {ProcessEvent} from '../lua/types.js'

export function exitEventOf(pid: string, closing: HistoryEvent): ProcessEvent {
  const at = closing.ts
  switch (closing.type) {
    case 'WorkflowCompleted': {
      return {at, from: pid, kind: 'pid.exit', result: {value: closing.result}}
    }
    case 'WorkflowFailed': {
      return {at, from: pid, kind: 'pid.exit', result: {error: closing.error}}
    }
    case 'WorkflowCancelled':
    case 'WorkflowTerminated': {
      return {at, from: pid, kind: 'pid.exit', result: {error: {kind: 'Canceled', message: closing.reason ?? closing.type}}}
    }
    default: {
      return {at, from: pid, kind: 'pid.exit', result: {}}
    }
  }
}
