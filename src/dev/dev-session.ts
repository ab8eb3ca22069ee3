/**
 * The service behind `wippy dev`: takes the project's single-instance lock, starts the engine
 * (which recovers open workflows by replay), serves the control channel, watches the sources,
 * and renders what happens. `stop()` undoes it in reverse: watcher, control server, engine
 * (histories flushed and closed), lock.
 *
 * It never writes to the terminal itself: everything goes through the {@link LineRenderer}
 * given the `out` sink. The terminal UI (`tui/`) subscribes to the engine the same way; under
 * it, `wippy dev` passes a sink that drops the lines.
 */
import {performance} from 'node:perf_hooks'

import type {EngineApi, EngineEvent, ReloadReport} from '../engine/api.js'
import {Engine} from '../engine/engine.js'
import {acquireDevLock} from '../control/dev-lock.js'
import type {Registry} from '../registry/index.js'
import {startControlServer, type ControlServer} from './control-server.js'
import {type LineSink, LineRenderer} from './line-renderer.js'
import {ParityNotes} from './parity-notes.js'
import {type ProjectWatcher, watchProject} from './watcher.js'

/** What the session needs of an engine: the API plus reload and shutdown. */
export interface DevEngine extends EngineApi {
  applyRegistry(): Promise<ReloadReport>
  close(): Promise<void>
  controlAddress?: string
  /** The registry running now: its Temporal-parity warnings are logged (once each). */
  readonly currentRegistry?: Registry
  /** Registry errors at start: the entries they name were left out until a reload fixes them. */
  startProblems?: Array<{code: string; message: string; file?: string; line?: number; hint?: string}>
  /** What the engine's start-up recovery found (open runs replayed, torn tails dropped). */
  recovery?: {
    blocked: number
    damaged?: string[]
    open: number
    replayedEvents: number
    ms: number
    tornTails: string[]
  }
}

export interface DevSessionOptions {
  env?: Record<string, string | undefined>
  /** Where the lines go (stdout for `wippy dev`). */
  out: LineSink
  root: string
  /** Starts the engine; default `Engine.start`. */
  startEngine?: (options: {
    env?: Record<string, string | undefined>
    idleEvictMs?: number
    onEvent?: (event: EngineEvent) => void
    root: string
    stateDir?: string
  }) => Promise<DevEngine>
  /** Drop the VM of a workflow idle this long (ms); it is rebuilt by replay when woken. */
  idleEvictMs?: number
  stateDir?: string
  /** Watch the sources and hot-reload (default true). */
  watch?: boolean
  /** Also told each Temporal-parity warning line (the TUI shows them; the lines go to `out` anyway). */
  onWarning?: (line: string) => void
}

/** A running dev server. */
export interface DevSession {
  readonly controlAddress: string
  readonly engine: DevEngine
  /** Time from the call to ready (lock, engine, control server, watcher), ms. */
  readonly readyMs: number
  /** Stops everything; safe to call twice. */
  stop(): Promise<void>
  readonly watcher?: ProjectWatcher
}

/**
 * Starts a dev session.
 * @throws WippyError `WIPPY_DEV_ALREADY_RUNNING` when another live `wippy dev` holds the project;
 *   the engine's errors (a broken registry at start) after releasing the lock.
 */
export async function startDevSession(options: DevSessionOptions): Promise<DevSession> {
  const t0 = performance.now()
  // The same lock offline writers take: the engine is the state dir's only writer while it runs.
  const lock = await acquireDevLock(options.root, {
    kind: 'dev',
    ...(options.stateDir === undefined ? {} : {stateDir: options.stateDir}),
  })
  const renderer = new LineRenderer(options.out)
  const parity = new ParityNotes()
  let engine: DevEngine | undefined
  let server: ControlServer | undefined
  let watcher: ProjectWatcher | undefined
  // From the engine's start on: what recovery emits (restarted activities' logs) is printed too.
  let rendering = true
  const noteParity = (): void => {
    for (const line of parity.fresh(engine?.currentRegistry?.problems ?? [])) {
      renderer.note(line)
      options.onWarning?.(line)
    }
  }

  const teardown = async (): Promise<void> => {
    await watcher?.close().catch(() => {})
    await server?.close().catch(() => {})
    rendering = false
    try {
      await engine?.close()
    } finally {
      await lock.release()
    }
  }

  try {
    const start = options.startEngine ?? ((o) => Engine.start(o))
    engine = await start({
      root: options.root,
      ...(options.env === undefined ? {} : {env: options.env}),
      ...(options.stateDir === undefined ? {} : {stateDir: options.stateDir}),
      ...(options.idleEvictMs === undefined ? {} : {idleEvictMs: options.idleEvictMs}),
      onEvent: (event) => rendering && renderer.render(event),
    })
    server = await startControlServer({
      engine,
      onNote: (message) => renderer.note(message),
      root: options.root,
      ...(options.stateDir === undefined ? {} : {stateDir: options.stateDir}),
    })
    engine.controlAddress = server.address
    if (options.watch !== false) {
      const running = engine
      watcher = watchProject({
        onError: (error) => renderer.note(`reload error: ${error instanceof Error ? error.message : String(error)}`),
        reload: async () => {
          const report = await running.applyRegistry()
          // A failed reload keeps the old registry, whose warnings were noted already.
          if (report.errors.length === 0) noteParity()
          return report
        },
        root: options.root,
      })
      await watcher.ready
    }
  } catch (error) {
    await teardown().catch(() => {})
    throw error
  }

  const readyMs = performance.now() - t0
  renderer.banner(engine.status(), {controlAddress: server.address, readyMs, watching: watcher !== undefined})
  // Recovery ran inside Engine.start, before anyone could subscribe: report it here.
  const recovery = engine.recovery
  if (recovery && recovery.open + recovery.blocked > 0) {
    renderer.note(
      `recovered ${recovery.open} open runs by replaying ${recovery.replayedEvents} events in ${Math.round(recovery.ms)} ms${recovery.blocked ? `; ${recovery.blocked} blocked (see \`wippy ps --status blocked\`)` : ''}`,
    )
  }
  for (const torn of recovery?.tornTails ?? []) renderer.note(`recovered history ${torn}`)
  for (const damaged of recovery?.damaged ?? []) renderer.note(`quarantined history ${damaged}`)
  for (const p of engine.startProblems ?? []) {
    renderer.note(
      `registry error: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message} [${p.code}]${p.hint ? ` (hint: ${p.hint})` : ''}; left out until fixed`,
    )
  }
  noteParity()
  let stopping: Promise<void> | undefined
  return {
    controlAddress: server.address,
    engine,
    readyMs,
    stop: () =>
      (stopping ??= (async () => {
        renderer.note('stopping: closing histories')
        await teardown()
        renderer.note('stopped')
      })()),
    ...(watcher ? {watcher} : {}),
  }
}
