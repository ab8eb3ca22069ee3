/**
 * What the commands can do without a running `wippy dev`: the history files are the source of
 * truth, so listing runs, reading a history and queueing a signal work straight on them.
 *
 * - `ps` reads every history; the status of a run comes from its last event.
 * - `history inspect/export` read one file (never modifying it: a torn tail is left in place).
 * - `signal` appends a `SignalReceived` durably to the run's history; the engine replays it as
 *   a delivery when it next recovers the run, exactly like a signal that arrived just before a crash.
 *
 * Writes refuse while a live process holds the dev lock: only one writer owns a history.
 */
import {readFile} from 'node:fs/promises'

import type {HistoryRange, HistoryView, ProcessInfo} from '../engine/api.js'
import {stateLayout} from '../engine/state-dir.js'
import type {HistoryEvent, HistoryEventType} from '../history/events.js'
import {readHistoryBuffer} from '../history/reader.js'
import {historyFileOf, listRunKeys} from '../history/run-files.js'
import {sliceHistory} from '../history/slice.js'
import {WippyError} from '../errors.js'
import {nextTimerAt, outstandingOf} from '../hosts/workflows/outstanding.js'
import {parsePid, runKeyOf} from '../hosts/workflows/pid.js'
import {formatDurationMs} from '../time/duration.js'
import {liveDevLock} from './dev-lock.js'

/** Who offline signals say they are from. */
export const OFFLINE_SENDER = 'wippy-cli'

/**
 * The closing events (role `close` in `EVENT_ROLES`) and the status each leaves. Kept here
 * rather than calling `isClosingEvent`: `events.ts` loads zod (~70 ms), which the read-only
 * commands (`history inspect`, `ps`) do not need; the reader checks events without it.
 */
const STATUS_OF_CLOSE: Partial<Record<HistoryEventType, ProcessInfo['status']>> = {
  WorkflowCancelled: 'cancelled',
  WorkflowCompleted: 'completed',
  WorkflowFailed: 'failed',
  WorkflowTerminated: 'terminated',
}

/** The status a closing event leaves, or undefined for any other event. */
const closedStatus = (event: HistoryEvent): ProcessInfo['status'] | undefined => STATUS_OF_CLOSE[event.type]

// Read-only access to the history files (named as in `history/run-files.ts`) without loading
// the store: its write path validates with zod, which reads do not need.

/** A run's events, read without modifying the file (a torn tail is left in place). */
async function readRunEvents(dir: string, runKey: string): Promise<HistoryEvent[]> {
  const file = historyFileOf(dir, runKey)
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    throw new WippyError('WIPPY_HISTORY_NOT_FOUND', `No history for run ${runKey}.`, {file, hint: 'List the runs with `wippy history list`.'})
  }
  return readHistoryBuffer(buf, file).events
}

/** One run as found on disk. */
export interface OfflineRun {
  events: HistoryEvent[]
  runKey: string
}

/**
 * Lists runs from the history files, newest first. `all` includes closed runs. Closed runs
 * come from the run index when it has them (a closed history never changes); every other
 * run is read from its file.
 */
export async function listOfflineRuns(root: string, options: {all?: boolean; stateDir?: string; status?: string; now?: number} = {}): Promise<ProcessInfo[]> {
  const layout = stateLayout(root, options.stateDir)
  const {RunIndex} = await import('../history/run-index.js')
  const index = await RunIndex.open(layout.runIndex)
  const now = options.now ?? Date.now()
  const out: ProcessInfo[] = []
  for (const runKey of await listRunKeys(layout.histories)) {
    const indexed = index.get(runKey)
    if (indexed?.closedAt !== undefined) {
      const info: ProcessInfo = {...indexed, id: indexed.workflowId, kind: 'workflow', loaded: false}
      if (options.status ? info.status === options.status : options.all) out.push(info)
      continue
    }
    const info = summarizeOffline(await readRunEvents(layout.histories, runKey), now)
    if (!info) continue
    if (options.status ? info.status !== options.status : !options.all && info.closedAt !== undefined) continue
    out.push(info)
  }
  return out.sort((a, b) => b.startedAt - a.startedAt)
}

/** The run a PID, workflow ID or unique prefix names, read from its file. */
export async function resolveOfflineRun(root: string, query: string, stateDir?: string): Promise<OfflineRun> {
  const dir = stateLayout(root, stateDir).histories
  const keys = await listRunKeys(dir)
  const q = parsePid(query)?.uniq ?? query.trim()
  const workflowOf = (key: string) => key.slice(0, key.lastIndexOf('~'))
  let candidates = keys.filter((k) => k === q || workflowOf(k) === q)
  if (candidates.length === 0) {
    candidates = keys.filter((k) => workflowOf(k).startsWith(q))
    const workflows = new Set(candidates.map(workflowOf))
    if (workflows.size > 1) {
      const ids = [...workflows].slice(0, 5).join(', ')
      throw new WippyError('WIPPY_PID_AMBIGUOUS', `"${query}" matches ${workflows.size} workflows: ${ids}${workflows.size > 5 ? ', ...' : ''}.`, {
        hint: 'Type more characters of the workflow ID.',
      })
    }
  }
  if (candidates.length === 0) {
    throw new WippyError('WIPPY_PID_UNKNOWN', `No workflow matches "${query}".`, {
      hint: 'List workflows with `wippy ps --all`; a PID, a workflow ID or a unique prefix of one works.',
    })
  }
  // A reused workflow ID has several runs: the newest one wins.
  let best: OfflineRun | undefined
  for (const runKey of candidates) {
    const events = await readRunEvents(dir, runKey)
    if (!best || (events[0]?.ts ?? 0) >= (best.events[0]?.ts ?? 0)) best = {events, runKey}
  }
  return best!
}

/** A run's history (or a range of it) from its file. */
export async function offlineHistory(root: string, query: string, range: HistoryRange = {}, stateDir?: string): Promise<HistoryView> {
  const {events} = await resolveOfflineRun(root, query, stateDir)
  // What summarizeOffline would say of pid and status, without working out what the run waits for.
  const started = events[0]
  const isRun = started?.type === 'WorkflowStarted'
  const status = isRun ? (closedStatus(events.at(-1)!) ?? 'running') : 'running'
  return {events: sliceHistory(events, range), pid: isRun ? started.pid : query, status, total: events.length}
}


/** What {@link queueOfflineSignal} returns. */
export interface QueuedSignal {
  pid: string
  queued: true
  seq: number
}

/**
 * Appends a signal to a stopped run's history, durably; delivered when the engine next runs.
 * @throws WippyError `WIPPY_RUN_CLOSED` for a closed run, `WIPPY_DEV_STARTING` when a dev
 *   server holds the lock (it owns the files; retry through it).
 */
export async function queueOfflineSignal(root: string, query: string, topic: string, payload: unknown[], stateDir?: string): Promise<QueuedSignal> {
  const holder = liveDevLock(root, stateDir)
  if (holder) {
    throw new WippyError('WIPPY_DEV_STARTING', `\`wippy dev\` (pid ${holder.pid}) owns this project's state but does not answer yet.`, {
      hint: 'Wait until it prints its banner, then run the command again.',
    })
  }
  const {runKey} = await resolveOfflineRun(root, query, stateDir)
  const {HistoryStore} = await import('../history/store.js')
  const store = new HistoryStore(stateLayout(root, stateDir).histories)
  const {events, log} = await store.open(runKey)
  try {
    const last = events.at(-1)
    const started = events[0]
    if (!started || started.type !== 'WorkflowStarted') throw new WippyError('WIPPY_HISTORY_CORRUPT', `History ${runKey} has no WorkflowStarted.`, {hint: 'Inspect the file under .wippy/dev/histories.'})
    const closedAs = last && closedStatus(last)
    if (closedAs) {
      throw new WippyError('WIPPY_RUN_CLOSED', `Workflow ${started.workflowId} is ${closedAs}; it takes no more signals.`, {
        hint: 'Start a new run with `wippy spawn`, or fork this one with `wippy fork`.',
      })
    }
    const [recorded] = await log.append([{from: OFFLINE_SENDER, payload, topic, ts: workflowClock(events, outstandingOf(events).skippedMs, Date.now()), type: 'SignalReceived'}])
    return {pid: started.pid, queued: true, seq: recorded!.seq}
  } finally {
    await log.close()
    await store.close()
  }
}

/** The run's workflow clock now: real time plus every recorded skip, never behind the last event. */
function workflowClock(events: readonly HistoryEvent[], skippedMs: number, realNow: number): number {
  return Math.max(realNow + skippedMs, events.at(-1)?.ts ?? 0)
}

/** A `ps` row from a history alone. */
export function summarizeOffline(events: readonly HistoryEvent[], now: number): ProcessInfo | undefined {
  const started = events[0]
  if (!started || started.type !== 'WorkflowStarted') return undefined
  const last = events.at(-1)!
  const base = {entry: started.entry, id: started.workflowId, kind: 'workflow' as const, loaded: false, pid: started.pid, runKey: runKeyOf(started.workflowId, started.runId), startedAt: started.ts}
  const closedAs = closedStatus(last)
  if (closedAs) return {...base, closedAt: last.ts, status: closedAs}
  return {...base, status: 'running', waiting: describeOfflineWait(events, now)}
}

/** What a stopped run waits for, from the commands it has open. */
function describeOfflineWait(events: readonly HistoryEvent[], now: number): string {
  const open = outstandingOf(events)
  const suffix = ' (engine stopped)'
  if (open.activities.size > 0) return `running ${[...open.activities.values()].map((a) => a.entry).join(', ')}${suffix}`
  const at = nextTimerAt(open)
  if (at !== undefined) return `sleeping, ${formatDurationMs(Math.max(0, at - workflowClock(events, open.skippedMs, now)))} left${suffix}`
  return `waiting for a signal${suffix}`
}

/** Reads a history file: a JSONL history (as stored or exported), or `history inspect --json` output. */
export async function readHistoryFile(file: string): Promise<HistoryEvent[]> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (error) {
    throw new WippyError('WIPPY_FILE_NOT_FOUND', `Can't read ${file}: ${(error as Error).message}.`, {file, hint: 'Pass a file written by `wippy history export`.'})
  }
  const text = buf.toString('utf8').trimStart()
  if (text.startsWith('[') || (text.startsWith('{') && /^\{\s*"(pid|events|status|total)"/.test(text))) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      // A truncated or hand-edited export: say where, not a SyntaxError with a stack.
      throw new WippyError('WIPPY_HISTORY_CORRUPT', `${file} is not valid JSON (${(error as Error).message.replace(/^Unexpected end of JSON input$/, 'it ends too early')}).`, {
        hint: 'Export the history again with `wippy history export <id> -o FILE` (JSONL), or fix the JSON.',
      })
    }
    const events = Array.isArray(parsed) ? parsed : (parsed as {events?: unknown}).events
    const {HistoryEvent} = await import('../history/events.js')
    const checked = HistoryEvent.array().safeParse(events)
    if (!checked.success) {
      throw new WippyError('WIPPY_HISTORY_CORRUPT', `${file} is JSON but not a list of history events.`, {file, hint: 'Pass a file written by `wippy history export`.'})
    }
    return checked.data
  }
  return readHistoryBuffer(buf, file).events
}
