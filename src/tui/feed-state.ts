/**
 * The TUI's picture of the engine, folded from the status stream: runs by pid, the log lines
 * printed so far, the last reload. {@link applyEngineEvents} is pure, so the throttled hook
 * applies a whole batch of events in one state update (one redraw).
 */
import type {EngineEvent, EngineStatus, ProcessInfo, ReloadReport} from '../engine/api.js'
import {formatReload, shortId} from '../dev/line-renderer.js'

/** One line of the log pane. */
export interface LogLine {
  /** Unique and increasing: React's key in `<Static>`. */
  id: number
  level: string
  text: string
}

export interface FeedState {
  lastReload?: ReloadReport
  /** Log lines not yet trimmed; `<Static>` prints each once. */
  logs: LogLine[]
  /** Bumped when the log list is trimmed, so `<Static>` restarts on the kept tail. */
  logEpoch: number
  nextLogId: number
  runs: ReadonlyMap<string, ProcessInfo>
  status: EngineStatus
}

/** A line the TUI itself adds to the log (an action's result, a server note). */
export interface NoteEvent {
  level: string
  text: string
  type: 'note'
}

/** A fresh `ps`: refreshes waits that change without an event ("sleeping, 3h left"). */
export interface SyncEvent {
  runs: readonly ProcessInfo[]
  type: 'sync'
}

export type FeedEvent = EngineEvent | NoteEvent | SyncEvent

/** Lines kept in `<Static>`'s list before it is trimmed (printed lines are in the scrollback). */
const MAX_LOGS = 500

export function initialFeedState(runs: readonly ProcessInfo[], status: EngineStatus): FeedState {
  return {logEpoch: 0, logs: [], nextLogId: 1, runs: new Map(runs.map((r) => [r.pid, r])), status}
}

/** Folds a batch of events into a new state (the old one is left as it was). */
export function applyEngineEvents(state: FeedState, events: readonly FeedEvent[], status: EngineStatus): FeedState {
  let runs: Map<string, ProcessInfo> | undefined
  let lastReload = state.lastReload
  const lines: Array<{level: string; text: string}> = []
  for (const event of events) {
    switch (event.type) {
      case 'run': {
        runs ??= new Map(state.runs)
        const before = runs.get(event.summary.pid)
        runs.set(event.summary.pid, event.summary)
        const line = lifecycleLine(before, event.summary)
        if (line) lines.push(line)
        break
      }
      case 'sync':
        for (const summary of event.runs) {
          const before = (runs ?? state.runs).get(summary.pid)
          if (before && sameRun(before, summary)) continue
          runs ??= new Map(state.runs)
          runs.set(summary.pid, summary)
          const line = lifecycleLine(before, summary)
          if (line) lines.push(line)
        }
        break
      case 'reload':
        lastReload = event.report
        for (const text of formatReload(event.report)) lines.push({level: event.report.errors.length > 0 ? 'error' : 'info', text})
        break
      case 'log':
        lines.push({level: event.level, text: `${event.level}${event.pid ? ` ${shortId(event.pid)}` : ''}: ${event.message}`})
        break
      case 'note':
        lines.push({level: event.level, text: event.text})
        break
      case 'history':
        // The timeline hook reads history events; the list only needs run summaries.
        break
    }
  }
  let {logEpoch, logs, nextLogId} = state
  if (lines.length > 0) {
    const added = lines.map((l) => ({...l, id: nextLogId++}))
    // Lines already printed live on in the terminal's scrollback: drop them, restart <Static>.
    if (logs.length + added.length > MAX_LOGS) {
      logs = added
      logEpoch++
    } else {
      logs = [...logs, ...added]
    }
  }
  return {logEpoch, logs, nextLogId, runs: runs ?? state.runs, status, ...(lastReload ? {lastReload} : {})}
}

function sameRun(a: ProcessInfo, b: ProcessInfo): boolean {
  return a.status === b.status && a.waiting === b.waiting && a.problem === b.problem && a.closedAt === b.closedAt
}

/** "run started wf-1 app.workflows:approval" when a run appears or changes status. */
function lifecycleLine(before: ProcessInfo | undefined, after: ProcessInfo): {level: string; text: string} | undefined {
  if (before?.status === after.status) return undefined
  const id = after.id
  switch (after.status) {
    case 'running':
      return {level: 'info', text: before ? `run resumed ${id}` : `run started ${id} ${after.entry}`}
    case 'blocked':
      return {level: 'error', text: `run blocked ${id}: ${after.problem ?? 'unknown reason'}`}
    case 'failed':
      return {level: 'error', text: `run failed ${id}${after.problem ? `: ${after.problem}` : ''}`}
    default:
      return {level: 'info', text: `run ${after.status} ${id}`}
  }
}

/** Runs in list order: open ones (blocked first) then closed ones, newest first within each. */
export function sortRuns(runs: Iterable<ProcessInfo>): ProcessInfo[] {
  const rank = (r: ProcessInfo): number => (r.status === 'blocked' ? 0 : r.status === 'running' ? 1 : 2)
  return [...runs].sort((a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt || a.id.localeCompare(b.id))
}

/** Runs whose id, entry, status or wait contains `filter` (case-insensitive). */
export function filterRuns(runs: readonly ProcessInfo[], filter: string): ProcessInfo[] {
  const needle = filter.trim().toLowerCase()
  if (!needle) return [...runs]
  return runs.filter((r) => [r.id, r.entry, r.status, r.waiting ?? '', r.problem ?? ''].some((f) => f.toLowerCase().includes(needle)))
}
