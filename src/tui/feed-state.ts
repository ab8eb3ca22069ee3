/**
 * The TUI's picture of the engine, folded from the status stream: rows by {@link rowKey}, the
 * log lines printed so far, the last reload, and what the stream tells about runs beyond their
 * summaries (a CancelRequested event, a reload that left a run on its old code).
 * {@link applyEngineEvents} is pure, so the throttled hook applies a whole batch of events in
 * one state update (one redraw).
 *
 * A service keeps one row whatever process runs it now (its PID changes on every restart),
 * and a `sync` (a fresh `ps`) replaces the rows, so rows the engine no longer lists go away.
 */
import type {EngineEvent, EngineStatus, ProcessInfo, ReloadReport} from '../engine/api.js'
import {shortId} from '../output/short-id.js'
import type {RunMarks} from './format.js'
import {compactProblem, reloadLines, shortenPids} from './tui-text.js'

/** One line of the log pane. */
export interface LogLine {
  /** Unique and increasing: React's key in `<Static>`. */
  id: number
  level: string
  /** The PID (or service ID) the line is about, when it is about one. */
  source?: string
  text: string
}

/** A row of the list: a run, service or process with what the TUI knows of it. */
export type RunRow = ProcessInfo & RunMarks & {key: string}

export interface FeedState {
  lastReload?: ReloadReport
  /** Log lines not yet trimmed; `<Static>` prints each once. */
  logs: LogLine[]
  /** Bumped when the log list is trimmed, so `<Static>` restarts on the kept tail. */
  logEpoch: number
  /** Marks by workflow PID (see {@link RunMarks}). */
  marks: ReadonlyMap<string, RunMarks>
  nextLogId: number
  /** Rows by {@link rowKey}. */
  runs: ReadonlyMap<string, ProcessInfo>
  /** Process PIDs a service has run (its log lines belong to its process view). */
  servicePids: ReadonlyMap<string, string>
  status: EngineStatus
}

/** A row's stable key: a service's ID (its PID changes on restart), else the PID. */
export function rowKey(info: ProcessInfo): string {
  if (info.kind === 'service') return `service:${info.id}`
  return info.pid || `${info.kind}:${info.id}`
}

/** Whether the status stream says a cancel was requested (an open run with a recorded cancel). */
function streamCancelRequested(info: ProcessInfo): boolean | undefined {
  return info.cancelRequested ? true : undefined
}

/**
 * Whether the status stream says the run is pinned to old code (the engine keeps that across
 * restarts); the reload reports the TUI saw give the same mark while the stream catches up.
 */
function streamOldCode(info: ProcessInfo): RunMarks['oldCodeMark'] | undefined {
  if (!info.oldCode) return undefined
  const at = forkAt(info.oldCode.forkCommand)
  return {...(at === undefined ? {} : {at}), divergence: info.oldCode.divergence}
}

/** The rows with their marks, for the list. */
export function rowsOf(state: Pick<FeedState, 'marks' | 'runs'>): RunRow[] {
  return [...state.runs.entries()].map(([key, info]) => {
    const marks = state.marks.get(info.pid)
    const cancel = streamCancelRequested(info) ?? marks?.cancelMarked
    const oldCodeMark = streamOldCode(info) ?? marks?.oldCodeMark
    return {...info, ...(oldCodeMark ? {oldCodeMark} : {}), ...(cancel ? {cancelMarked: true} : {}), key}
  })
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
  return {
    logEpoch: 0,
    logs: [],
    marks: new Map(),
    nextLogId: 1,
    runs: new Map(runs.map((r) => [rowKey(r), r])),
    servicePids: servicePidsOf(new Map(), runs),
    status,
  }
}

function servicePidsOf(known: ReadonlyMap<string, string>, rows: Iterable<ProcessInfo>): ReadonlyMap<string, string> {
  let out: Map<string, string> | undefined
  for (const r of rows) {
    if (r.kind !== 'service' || !r.pid || known.get(r.pid) === r.id) continue
    out ??= new Map(known)
    out.set(r.pid, r.id)
  }
  return out ?? known
}

/** The event a reload's fork command keeps up to (`wippy fork wf-1 --at 4` → 4). */
function forkAt(command: string | undefined): number | undefined {
  const m = command ? /--at (\d+)/.exec(command) : null
  return m ? Number(m[1]) : undefined
}

/** Folds a batch of events into a new state (the old one is left as it was). */
export function applyEngineEvents(state: FeedState, events: readonly FeedEvent[], status: EngineStatus): FeedState {
  let runs: Map<string, ProcessInfo> | undefined
  let marks: Map<string, RunMarks> | undefined
  let lastReload = state.lastReload
  const seen: ProcessInfo[] = []
  const lines: Array<{level: string; source?: string; text: string}> = []
  const mark = (pid: string, change: (m: RunMarks) => RunMarks): void => {
    marks ??= new Map(state.marks)
    const next = change({...marks.get(pid)})
    if (Object.keys(next).length === 0) marks.delete(pid)
    else marks.set(pid, next)
  }
  for (const event of events) {
    switch (event.type) {
      case 'run': {
        runs ??= new Map(state.runs)
        const key = rowKey(event.summary)
        const before = runs.get(key)
        runs.set(key, event.summary)
        seen.push(event.summary)
        const line = lifecycleLine(before, event.summary)
        if (line) lines.push(line)
        break
      }
      case 'sync': {
        const previous = runs ?? state.runs
        const next = new Map<string, ProcessInfo>()
        let changed = false
        for (const summary of event.runs) {
          const key = rowKey(summary)
          const before = previous.get(key)
          const same = before !== undefined && sameRun(before, summary)
          changed ||= !same
          next.set(key, same ? before : summary)
          const line = lifecycleLine(before, summary)
          if (line) lines.push(line)
        }
        // Unchanged rows keep their objects, and an unchanged list its map (no redraw).
        if (changed || next.size !== previous.size) runs = next
        seen.push(...event.runs)
        break
      }
      case 'reload':
        lastReload = event.report
        for (const text of reloadLines(event.report))
          lines.push({
            level:
              event.report.errors.length > 0
                ? 'error'
                : event.report.workflows.some((w) => !w.compatible)
                  ? 'warn'
                  : 'info',
            text,
          })
        for (const w of event.report.workflows) {
          const at = forkAt(w.forkCommand)
          mark(w.pid, ({oldCodeMark: _old, ...rest}) =>
            w.compatible
              ? rest
              : {
                  ...rest,
                  oldCodeMark: {...(at === undefined ? {} : {at}), ...(w.divergence ? {divergence: w.divergence} : {})},
                },
          )
        }
        break
      case 'log':
        lines.push({
          level: event.level,
          text: `${event.level}${event.pid ? ` ${shortId(event.pid)}` : ''}: ${shortenPids(event.message)}`,
          ...(event.pid ? {source: event.pid} : {}),
        })
        break
      case 'note':
        lines.push({level: event.level, text: event.text})
        break
      case 'history':
        // The timeline hook reads history events; the list only needs what a cancel changes.
        if (event.event.type === 'CancelRequested') mark(event.pid, (m) => ({...m, cancelMarked: true}))
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
  return {
    logEpoch,
    logs,
    marks: marks ?? state.marks,
    nextLogId,
    runs: runs ?? state.runs,
    servicePids: servicePidsOf(state.servicePids, seen),
    status,
    ...(lastReload ? {lastReload} : {}),
  }
}

function sameRun(a: ProcessInfo, b: ProcessInfo): boolean {
  return (
    a.status === b.status &&
    a.waiting === b.waiting &&
    a.problem === b.problem &&
    a.closedAt === b.closedAt &&
    a.pid === b.pid &&
    a.restarts === b.restarts &&
    a.startedAt === b.startedAt
  )
}

/** "run started wf-1 app.workflows:approval" when a run appears or changes status. */
function lifecycleLine(before: ProcessInfo | undefined, after: ProcessInfo): {level: string; text: string} | undefined {
  if (before?.status === after.status) return undefined
  const id = after.id
  const what = after.kind === 'workflow' ? 'run' : after.kind
  switch (after.status) {
    case 'running':
      return {
        level: 'info',
        text: before
          ? `${what} ${after.kind === 'workflow' ? 'resumed' : 'running'} ${id}`
          : `${what} started ${id} ${after.entry}`,
      }
    case 'blocked':
      return {
        level: 'error',
        text: `run blocked ${id}: ${after.problem ? compactProblem(after.problem) : 'unknown reason'}`,
      }
    case 'failed':
      return {
        level: 'error',
        text: `${what} failed ${id}${after.problem ? `: ${shortenPids(after.problem.split('\n')[0]!)}` : ''}`,
      }
    default:
      return {level: 'info', text: `${what} ${after.status} ${id}`}
  }
}

/** Runs in list order: open ones (blocked first) then closed ones, newest first within each. */
export function sortRuns<R extends ProcessInfo>(runs: Iterable<R>): R[] {
  const rank = (r: ProcessInfo): number => (r.status === 'blocked' ? 0 : r.status === 'running' ? 1 : 2)
  return [...runs].sort((a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt || a.id.localeCompare(b.id))
}

/** Runs whose id, entry, status or wait contains `filter` (case-insensitive). */
export function filterRuns<R extends ProcessInfo>(runs: readonly R[], filter: string): R[] {
  const needle = filter.trim().toLowerCase()
  if (!needle) return [...runs]
  return runs.filter((r) =>
    [r.id, r.entry, r.status, r.waiting ?? '', r.problem ?? ''].some((f) => f.toLowerCase().includes(needle)),
  )
}

/** The log lines of a service (its own and those of every process it ran) or a process. */
export function logsOf(feed: Pick<FeedState, 'logs' | 'servicePids'>, row: RunRow | undefined): LogLine[] {
  if (!row) return []
  if (row.kind === 'service')
    return feed.logs.filter(
      (l) => l.source !== undefined && (l.source === row.id || feed.servicePids.get(l.source) === row.id),
    )
  return feed.logs.filter((l) => l.source !== undefined && l.source === row.pid)
}
