/**
 * The services behind the run commands (`spawn`, `signal`, `ps`, `history ...`, `cancel`,
 * `terminate`, `fork`, `time skip`, `call`). Each takes plain options, talks to the running
 * `wippy dev` through the control channel when there is one, and otherwise does what the files
 * allow (see `offline.ts`) or fails with `WIPPY_DEV_NOT_RUNNING`.
 *
 * Replay checks and `call` without a server run on a scratch engine: the project's current
 * code with an empty temporary state dir, so nothing of the project's durable state is touched
 * and no open run is resumed as a side effect.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {HistoryView, ProcessInfo, ReplayCheckResult, RunOutcome, SpawnResult} from '../engine/api.js'
import type {Engine} from '../engine/engine.js'
import type {HistoryEvent} from '../history/events.js'
import {WippyError} from '../errors.js'
import {checkPayload} from '../history/payload-limits.js'
import {parsePid} from '../history/run-names.js'
import {closedStatusOf} from '../history/run-view.js'
import type {LuaErrorValue} from '../lua/types.js'
import {requireSkip} from '../time/duration.js'
import {type ControlClient, connectControl, requireControl, waitForControl} from './client.js'

// The engine (Lua VM) and the offline readers load only when needed, so the common path, a
// command talking to a running dev server, starts fast. (The read path of `offline.ts` loads
// neither zod nor the history store; its write path, signals, loads the store on demand.)
const offline = () => import('./offline.js')

/** Options every service takes. */
export interface ProjectOptions {
  env?: Record<string, string | undefined>
  root: string
  stateDir?: string
}

/** Runs `fn` with a client of the running dev server (closed after), or undefined without one. */
async function withClient<T>(options: ProjectOptions, fn: (client: ControlClient | undefined) => Promise<T>): Promise<T> {
  const client = await connectControl(options.root, options.stateDir === undefined ? {} : {stateDir: options.stateDir})
  try {
    return await fn(client)
  } finally {
    client?.close()
  }
}

/** Like {@link withClient} but requires a dev server. */
async function withRequiredClient<T>(options: ProjectOptions, fn: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await requireControl(options.root, options.stateDir === undefined ? {} : {stateDir: options.stateDir})
  try {
    return await fn(client)
  } finally {
    client.close()
  }
}

/** What `wippy spawn` returns; `status` and `result`/`error` with `--wait`. */
export interface SpawnOutput extends SpawnResult {
  error?: LuaErrorValue
  result?: unknown
  status?: string
}

/** `onSpawned` is called once the run exists, before waiting (so its ID can be shown at once). */
export async function spawnRun(
  options: ProjectOptions & {entry: string; host?: string; id?: string; input: unknown[]; onSpawned?: (spawned: SpawnResult) => void; wait?: boolean},
): Promise<SpawnOutput> {
  checkPayload(options.input, 'workflow input')
  return withRequiredClient(options, async (client) => {
    const spawned = await client.spawn({entry: options.entry, input: options.input, ...(options.host ? {host: options.host} : {}), ...(options.id ? {id: options.id} : {})})
    options.onSpawned?.(spawned)
    if (!options.wait) return spawned
    const outcome: RunOutcome = await client.wait(spawned.pid)
    return {...spawned, status: outcome.status, ...(outcome.error ? {error: outcome.error} : {}), ...('result' in outcome ? {result: outcome.result} : {})}
  })
}

/** What `wippy signal` returns: delivered now, or queued in the history for the next start. */
export interface SignalOutput {
  delivered: boolean
  pid: string
  queued?: boolean
  seq?: number
}

export async function signalRun(options: ProjectOptions & {payload: unknown[]; pid: string; topic: string}): Promise<SignalOutput> {
  // Before either path: the offline one has no request-size cap of its own.
  checkPayload(options.payload, 'signal payload')
  return withClient(options, async (client) => {
    if (client) return {delivered: true, pid: (await client.signal(options.pid, options.topic, options.payload)).pid}
    // Only workflows have a durable inbox; a plain process lives only inside a running engine.
    const target = parsePid(options.pid)
    if (target && !target.node) {
      throw new WippyError('WIPPY_DEV_NOT_RUNNING', `Can't signal the process ${options.pid}: processes live only while \`wippy dev\` runs.`, {
        hint: 'Start `wippy dev` in the project, then send the signal again. (Signals to workflows are queued durably without it.)',
      })
    }
    try {
      const queued = await (await offline()).queueOfflineSignal(options.root, options.pid, options.topic, options.payload, options.stateDir)
      return {delivered: false, pid: queued.pid, queued: true, seq: queued.seq}
    } catch (error) {
      // A dev server took the state lock first: it owns the files now, so deliver through it.
      // Nothing was written (the lock is taken before the history is read): still exactly one signal.
      if (!(error instanceof WippyError && error.code === 'WIPPY_DEV_STARTING')) throw error
      // A server replaying many runs at start may take a while to answer: wait as long as a start does.
      const late = await waitForControl(options.root, {timeoutMs: 30_000, ...(options.stateDir === undefined ? {} : {stateDir: options.stateDir})})
      if (!late) throw error
      try {
        return {delivered: true, pid: (await late.signal(options.pid, options.topic, options.payload)).pid}
      } finally {
        late.close()
      }
    }
  })
}

/** What `wippy ps` returns. `source` says whether a running engine or the files answered. */
export interface PsOutput {
  processes: ProcessInfo[]
  source: 'engine' | 'files'
}

export async function listRuns(options: ProjectOptions & {all?: boolean; status?: string}): Promise<PsOutput> {
  return withClient(options, async (client) => {
    const filter = {...(options.all ? {all: true} : {}), ...(options.status ? {status: options.status} : {})}
    if (client) return {processes: await client.ps(filter), source: 'engine' as const}
    return {processes: await (await offline()).listOfflineRuns(options.root, {...filter, ...(options.stateDir ? {stateDir: options.stateDir} : {})}), source: 'files' as const}
  })
}

export interface HistoryRangeOptions {
  from?: number
  limit?: number
  to?: number
}

export async function inspectHistory(options: ProjectOptions & {pid: string; range?: HistoryRangeOptions}): Promise<HistoryView> {
  // Load the file reader while finding out whether a dev server answers (no zod or store in it).
  const reader = offline()
  reader.catch(() => {})
  return withClient(options, async (client) => {
    if (client) return client.history(options.pid, options.range)
    return (await reader).offlineHistory(options.root, options.pid, options.range ?? {}, options.stateDir)
  })
}

/**
 * Follows a run's history: `onEvent` for each event from `from` on, resolving once the run
 * closes or `signal` aborts. Without a dev server it polls the file (so a server started later
 * is followed too).
 */
export async function followHistory(
  options: ProjectOptions & {from?: number; onEvent: (e: HistoryEvent) => void; pid: string; pollMs?: number; signal?: AbortSignal},
): Promise<{pid: string; status: string}> {
  const client = await connectControl(options.root, options.stateDir === undefined ? {} : {stateDir: options.stateDir})
  if (client) {
    try {
      let closedAs: string | undefined
      const handle = await client.followHistory(options.pid, options.from, (e) => {
        closedAs = closedStatusOf(e) ?? closedAs
        options.onEvent(e)
      })
      options.signal?.addEventListener('abort', () => handle.stop(), {once: true})
      await handle.done
      return {pid: handle.pid, status: closedAs ?? handle.status}
    } finally {
      client.close()
    }
  }
  let next = options.from ?? 1
  for (;;) {
    const view = await (await offline()).offlineHistory(options.root, options.pid, {from: next}, options.stateDir)
    for (const e of view.events) options.onEvent(e)
    next = (view.events.at(-1)?.seq ?? next - 1) + 1
    if (view.status !== 'running' || options.signal?.aborted) return {pid: view.pid, status: view.status}
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200))
  }
}

/** The whole history of a run, for `history export`. */
export async function exportHistory(options: ProjectOptions & {pid: string}): Promise<HistoryView> {
  return inspectHistory({...options, range: {}})
}

/**
 * Replays a run (by PID) or a history file against the project's current code without running
 * anything. `target` is a file when it exists on disk relative to `cwd`.
 */
export async function replayHistory(options: ProjectOptions & {file?: string; pid?: string}): Promise<ReplayCheckResult> {
  let events: HistoryEvent[]
  let pid: string
  if (options.file) {
    events = await (await offline()).readHistoryFile(options.file)
    const started = events[0]
    pid = started?.type === 'WorkflowStarted' ? started.pid : options.file
  } else {
    const view = await inspectHistory({...options, pid: options.pid!})
    events = view.events
    pid = view.pid
  }
  return withScratchEngine(options, (engine) => engine.checkEvents(events, pid))
}

/** Calls a function entry: on the running engine, or on a scratch one. */
export async function callEntry(options: ProjectOptions & {args: unknown[]; entry: string}): Promise<{error?: LuaErrorValue; value?: unknown}> {
  return withClient(options, async (client) => {
    if (client) return client.call(options.entry, options.args)
    return withScratchEngine(options, (engine) => engine.call(options.entry, options.args))
  })
}

export async function cancelRun(options: ProjectOptions & {pid: string; reason?: string}): Promise<{pid: string}> {
  return withRequiredClient(options, (client) => client.cancel(options.pid, options.reason))
}

export async function terminateRun(options: ProjectOptions & {pid: string; reason?: string}): Promise<{pid: string}> {
  return withRequiredClient(options, (client) => client.terminate(options.pid, options.reason))
}

/** What `wippy fork` returns: the new run, and which run it was forked from at which event. */
export interface ForkOutput extends SpawnResult {
  at: number
  forkedFrom: string
}

export async function forkRun(options: ProjectOptions & {at: number; id?: string; pid: string}): Promise<ForkOutput> {
  return withRequiredClient(options, async (client) => {
    // Resolve the prefix first, so the result can name the source run (the fork reply does not).
    const source = (await client.history(options.pid, {limit: 1})).pid
    return {...(await client.fork(source, options.at, options.id)), at: options.at, forkedFrom: source}
  })
}

export async function skipTime(options: ProjectOptions & {by: number | 'next-timer'; pid: string}): Promise<{now: number; pid: string; skippedMs: number}> {
  requireSkip(options.by)
  return withRequiredClient(options, (client) => client.skipTime(options.pid, options.by))
}

/** Runs `fn` on an engine of the project's code with an empty temporary state dir. */
async function withScratchEngine<T>(options: ProjectOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const stateDir = await mkdtemp(join(tmpdir(), 'wippy-scratch-'))
  try {
    const {Engine} = await import('../engine/engine.js')
    const engine = await Engine.start({root: options.root, stateDir, ...(options.env ? {env: options.env} : {})})
    try {
      return await fn(engine)
    } finally {
      await engine.close()
    }
  } finally {
    await rm(stateDir, {force: true, recursive: true})
  }
}

