/**
 * What the commands can do without a running `wippy dev`: the history files are the source of
 * truth, so listing runs, reading a history and queueing a signal work straight on them.
 *
 * - `ps` reads every history; the status of a run comes from its last event, or is `damaged`
 *   (with where and what) for a history the reader cannot fully read.
 * - `history inspect/export` read one file (never modifying it: a torn tail is left in place;
 *   a damaged one shows its good prefix and the damage).
 * - `signal` appends a `SignalReceived` durably to the run's history; the engine replays it as
 *   a delivery when it next recovers the run, exactly like a signal that arrived just before a crash.
 *
 * Writes take the state lock (`dev-lock.ts`) that the engine holds: one writer owns the histories.
 */
import {existsSync} from 'node:fs'
import {lstat, readFile} from 'node:fs/promises'

import type {HistoryRange, HistoryView} from '../engine/api.js'
import {stateLayout} from '../engine/state-dir.js'
import type {HistoryEvent} from '../history/events.js'
import {describeDamage, scanRunFile} from '../history/damage.js'
import {readHistoryBuffer} from '../history/reader.js'
import {recordFromJson} from '../history/value-forms.js'
import type {HistoryStore} from '../history/store.js'
import {historyFileOf, listRunKeys} from '../history/run-files.js'
import {sliceHistory} from '../history/slice.js'
import {runIdOfKey, runKeyOf, workflowOfRunKey} from '../history/run-names.js'
import {selectRunById} from '../history/run-select.js'
import {
  type ProcessInfo,
  attrsFields,
  cancelNote,
  closedStatusOf,
  describeWait,
  resolveRunQuery,
  viewOfRun,
} from '../history/run-view.js'
import {WippyError} from '../errors.js'
import {acquireDevLock} from './dev-lock.js'
import type {ControlApi} from './protocol.js'

/** Who offline signals say they are from. */
export const OFFLINE_SENDER = 'wippy-cli'

// Read-only access to the history files (named as in `history/run-files.ts`) without loading
// the store: its write path validates with zod, which reads do not need.

/**
 * A run's events, read without modifying the file (a torn tail is left in place). A damaged
 * file gives its good prefix and the damage: one bad file never stops a listing.
 */
async function readRunEvents(
  dir: string,
  runKey: string,
): Promise<{damage?: HistoryView['damage']; events: HistoryEvent[]; mtimeMs?: number}> {
  const file = historyFileOf(dir, runKey)
  let scanned
  try {
    scanned = await scanRunFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    throw new WippyError('WIPPY_HISTORY_NOT_FOUND', `No history for run ${runKey}.`, {
      file,
      hint: 'List the runs with `wippy history list`.',
    })
  }
  if (!scanned.damage) return {events: scanned.events}
  // With no readable WorkflowStarted, the file's time is the best "started at" a listing has.
  const mtimeMs =
    scanned.events.length === 0
      ? await lstat(file).then(
          (s) => Math.floor(s.mtimeMs),
          () => 0,
        )
      : undefined
  return {damage: {...scanned.damage, file}, events: scanned.events, ...(mtimeMs === undefined ? {} : {mtimeMs})}
}

/** One run as found on disk. */
export interface OfflineRun {
  /** Set for a damaged history: `events` are the good prefix before it. */
  damage?: HistoryView['damage']
  events: HistoryEvent[]
  runKey: string
}

/**
 * Lists runs from the history files, newest first. `all` includes closed runs. Closed runs
 * come from the run index when it has them (a closed history never changes); every other
 * run is read from its file.
 */
export async function listOfflineRuns(
  root: string,
  options: {all?: boolean; stateDir?: string; status?: string; now?: number} = {},
): Promise<ProcessInfo[]> {
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
    const read = await readRunEvents(layout.histories, runKey)
    const info = read.damage
      ? damagedRow(runKey, read.events, read.damage, read.mtimeMs)
      : summarizeOffline(read.events, now)
    if (!info) continue
    if (options.status ? info.status !== options.status : !options.all && info.closedAt !== undefined) continue
    out.push(info)
  }
  return out.sort((a, b) => b.startedAt - a.startedAt)
}

/**
 * The run a PID, workflow ID or unique prefix names, read from its file: the newest, or the
 * one whose run ID is (or starts with) `runId` (`--run-id`, see `history/run-select.ts`).
 */
export async function resolveOfflineRun(
  root: string,
  query: string,
  stateDir?: string,
  runId?: string,
): Promise<OfflineRun> {
  const dir = stateLayout(root, stateDir).histories
  // Only the file names are read to resolve: a run key's workflow part is the file-safe workflow ID.
  const keys = (await listRunKeys(dir)).map((runKey) => ({runKey, workflowId: workflowOfRunKey(runKey)}))
  const runs: OfflineRun[] = []
  for (const {runKey} of resolveRunQuery(keys, query)) {
    const read = await readRunEvents(dir, runKey)
    runs.push({events: read.events, runKey, ...(read.damage ? {damage: read.damage} : {})})
  }
  // Oldest first (a stable sort keeps file order for equal starts): a reused workflow ID's newest run wins.
  runs.sort((a, b) => (a.events[0]?.ts ?? 0) - (b.events[0]?.ts ?? 0))
  if (runId === undefined) return runs.at(-1)!
  return selectRunById(
    runs.map((run) => ({...run, workflowId: workflowOfRunKey(run.runKey)})),
    runId,
  )
}

/** A run's history (or a range of it) from its file. */
export async function offlineHistory(
  root: string,
  query: string,
  range: HistoryRange = {},
  stateDir?: string,
  runId?: string,
): Promise<HistoryView> {
  const {damage, events, runKey} = await resolveOfflineRun(root, query, stateDir, runId)
  // What summarizeOffline would say of pid and status, without working out what the run waits for.
  const started = events[0]
  const isRun = started?.type === 'WorkflowStarted'
  const status = damage ? 'damaged' : isRun ? (closedStatusOf(events.at(-1)!) ?? 'running') : 'running'
  return {
    events: sliceHistory(events, range),
    pid: isRun ? started.pid : runKey,
    ...(runIdOfKey(runKey) === undefined ? {} : {runId: runIdOfKey(runKey)!}),
    status,
    total: events.length,
    ...(damage ? {damage} : {}),
  }
}

/** What {@link queueOfflineSignal} returns. */
export interface QueuedSignal {
  pid: string
  queued: true
  runId: string
  seq: number
}

/**
 * Appends a signal to a stopped run's history, durably; delivered when the engine next runs.
 * @throws WippyError `WIPPY_RUN_CLOSED` for a closed run, `WIPPY_DEV_STARTING` when a dev
 *   server holds the lock (it owns the files; retry through it).
 */
export async function queueOfflineSignal(
  root: string,
  query: string,
  topic: string,
  payload: unknown[],
  stateDir?: string,
  runId?: string,
): Promise<QueuedSignal> {
  // The engine's own lock, held from the read to the fsync: parallel offline signals queue up
  // behind each other, and a dev server that starts meanwhile waits for this one append. The
  // store loads first, so the lock covers only the read, the append and its fsync.
  const {HistoryStore} = await import('../history/store.js')
  // No state dir: no run to signal (this throws WIPPY_PID_UNKNOWN), and the lock must not create one.
  if (!existsSync(stateLayout(root, stateDir).dir)) await resolveOfflineRun(root, query, stateDir, runId)
  const lock = await acquireDevLock(root, {kind: 'offline', ...(stateDir === undefined ? {} : {stateDir})})
  try {
    return await appendOfflineSignal(
      new HistoryStore(stateLayout(root, stateDir).histories),
      root,
      query,
      topic,
      payload,
      stateDir,
      runId,
    )
  } finally {
    await lock.release()
  }
}

async function appendOfflineSignal(
  store: HistoryStore,
  root: string,
  query: string,
  topic: string,
  payload: unknown[],
  stateDir?: string,
  runId?: string,
): Promise<QueuedSignal> {
  const {runKey} = await resolveOfflineRun(root, query, stateDir, runId)
  const {events, log} = await store.open(runKey)
  try {
    const last = events.at(-1)
    const started = events[0]
    if (!started || started.type !== 'WorkflowStarted')
      throw new WippyError('WIPPY_HISTORY_CORRUPT', `History ${runKey} has no WorkflowStarted.`, {
        hint: 'Inspect the file under .wippy/dev/histories.',
      })
    const closedAs = last && closedStatusOf(last)
    if (closedAs) {
      throw new WippyError(
        'WIPPY_RUN_CLOSED',
        `Workflow ${started.workflowId} is ${closedAs}; it takes no more signals.`,
        {
          hint: 'Start a new run with `wippy spawn`, or fork this one with `wippy fork`.',
        },
      )
    }
    // Queued: no code sees it until the engine loads the run (see replay-cursor.ts).
    const [recorded] = await log.append([
      {from: OFFLINE_SENDER, payload, queued: true, topic, ts: viewOfRun(events).clock, type: 'SignalReceived'},
    ])
    return {pid: started.pid, queued: true, runId: started.runId, seq: recorded!.seq}
  } finally {
    await log.close()
    await store.close()
  }
}

/** The `ps` row of a damaged history: what its good prefix says of the run, and the damage. */
function damagedRow(
  runKey: string,
  events: readonly HistoryEvent[],
  damage: NonNullable<HistoryView['damage']>,
  mtimeMs = 0,
): ProcessInfo {
  const started = events[0]?.type === 'WorkflowStarted' ? events[0] : undefined
  const workflowId = started?.workflowId ?? workflowOfRunKey(runKey)
  const base = {
    entry: started?.entry ?? '?',
    id: workflowId,
    kind: 'workflow' as const,
    loaded: false,
    pid: started?.pid ?? runKey,
    startedAt: started?.ts ?? mtimeMs,
  }
  return {...base, problem: `${describeDamage(damage)} (${damage.file})`, status: 'damaged'}
}

/** A `ps` row from a history alone. */
export function summarizeOffline(events: readonly HistoryEvent[], now: number): ProcessInfo | undefined {
  const started = events[0]
  if (!started || started.type !== 'WorkflowStarted') return undefined
  const view = viewOfRun(events, now)
  const base = {
    entry: started.entry,
    id: started.workflowId,
    kind: 'workflow' as const,
    loaded: false,
    pid: started.pid,
    runKey: runKeyOf(started.workflowId, started.runId),
    startedAt: started.ts,
    ...attrsFields(view.outstanding),
  }
  if (view.status !== 'running') return {...base, closedAt: view.closedAt, status: view.status}
  const cancel = view.outstanding.cancelRequested
  const marks = cancel ? {cancelRequested: cancel, notes: [cancelNote(cancel.from)]} : {}
  // What it waits for, as the engine says it (children too); nothing runs it until the engine starts.
  return {...base, ...marks, status: 'running', waiting: `${describeWait(view.waiting)} (engine stopped)`}
}

/** Reads a history file: a JSONL history (as stored or exported), or `history inspect --json` output. */
export async function readHistoryFile(file: string): Promise<HistoryEvent[]> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (error) {
    throw new WippyError('WIPPY_FILE_NOT_FOUND', `Can't read ${file}: ${(error as Error).message}.`, {
      file,
      hint: 'Pass a file written by `wippy history export`.',
    })
  }
  const text = buf.toString('utf8').trimStart()
  if (text.startsWith('[') || (text.startsWith('{') && /^\{\s*"(id|pid|events|status|total)"/.test(text))) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      // A truncated or hand-edited export: say where, not a SyntaxError with a stack.
      throw new WippyError(
        'WIPPY_HISTORY_CORRUPT',
        `${file} is not valid JSON (${(error as Error).message.replace(/^Unexpected end of JSON input$/, 'it ends too early')}).`,
        {
          hint: 'Export the history again with `wippy history export <id> -o FILE` (JSONL), or fix the JSON.',
        },
      )
    }
    // `inspect --json` output and event lists carry typed forms like history lines (value-forms.ts).
    parsed = recordFromJson(parsed)
    const listed = Array.isArray(parsed) ? parsed : (parsed as {events?: unknown}).events
    const events = Array.isArray(listed) ? listed.map((e) => recordFromJson(e)) : listed
    const {HistoryEvent} = await import('../history/events.js')
    const checked = HistoryEvent.array().safeParse(events)
    if (!checked.success) {
      throw new WippyError('WIPPY_HISTORY_CORRUPT', `${file} is JSON but not a list of history events.`, {
        file,
        hint: 'Pass a file written by `wippy history export`.',
      })
    }
    return checked.data
  }
  return readHistoryBuffer(buf, file).events
}

/** The read half of the engine's API answered from the files: what `ps` and `history` use when no `wippy dev` runs. */
export type OfflineApi = Pick<ControlApi, 'history' | 'ps'>

export function offlineApi(root: string, stateDir?: string): OfflineApi {
  return {
    history: async ({pid, range, runId}) => offlineHistory(root, pid, range ?? {}, stateDir, runId),
    ps: async ({filter} = {}) => listOfflineRuns(root, {...filter, ...(stateDir === undefined ? {} : {stateDir})}),
  }
}
