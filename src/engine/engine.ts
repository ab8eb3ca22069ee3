/**
 * The engine: owns the registry snapshot, the hosts (functions, durable workflows) and the
 * state dir, and implements {@link EngineApi} — the one API the dev server, the control
 * channel, the TUI and the tests call. It knows nothing about terminals: it reports through
 * the status stream (`subscribe`).
 */
import {mkdir} from 'node:fs/promises'

import {WippyError} from '../errors.js'
import {HistoryStore} from '../history/store.js'
import {type HistoryEvent, isClosingEvent} from '../history/events.js'
import {RunIndex} from '../history/run-index.js'
import {runIdOfKey} from '../history/run-names.js'
import {sliceHistory} from '../history/slice.js'
import type {WorkflowRun} from '../hosts/workflows/run.js'
import {type RunSummary, outcomeOfClose} from '../history/run-view.js'
import {blockHint} from '../hosts/workflows/block-reason.js'
import type {BlockRetryOptions} from '../hosts/workflows/block-retry.js'
import {clientAndWorkerOf} from '../hosts/workflows/pid.js'
import {checkReplay} from '../hosts/workflows/replay-check.js'
import {WorkflowHost, closedError} from '../hosts/workflows/workflow-host.js'
import {startOptionsOf} from '../hosts/start-options.js'
import type {LuaErrorValue} from '../lua/types.js'
import {type Problem, type Registry, loadRegistry} from '../registry/index.js'
import type {
  EngineApi,
  EngineEvent,
  EngineStatus,
  HistoryRange,
  HistoryView,
  ProcessInfo,
  ReloadReport,
  RepairOutput,
  ReplayCheckResult,
  RunOutcome,
  SpawnRequest,
  SpawnResult,
} from './api.js'
import {historyLimitsFromEnv} from '../history/history-cap.js'
import {CodeCatalog, type CodeVersion} from './code-catalog.js'
import {LuaServices} from './lua-services.js'
import {Node} from './node.js'
import {FunctionCalls} from '../hosts/processes/index.js'
import type {Origin} from '../hosts/addressing.js'
import {unknownEntry, withoutBrokenEntries} from './registry-snapshot.js'
import {ProcessSide} from './processes.js'
import {CodePins} from './code-pins.js'
import {checkRunsAtStart, reloadRegistry} from './reload.js'
import {type StateLayout, stateLayout} from './state-dir.js'
import {findWorker, resolveSpawnHost} from './spawn-host.js'
import {type UpdateResult, Updates} from './updates.js'
import {workflowInfo} from './workflow-info.js'

export interface EngineOptions {
  /** Backoff of workflow runs blocked by a host fault (EMFILE, ENOSPC, out of memory). */
  blockRetry?: BlockRetryOptions
  /** Values for `${env:NAME}` and `env.get` (default: process.env). */
  env?: Record<string, string | undefined>
  /** Drop an idle workflow's VM after this many ms (default 5000). */
  idleEvictMs?: number
  /**
   * Sees every event from the start on. `subscribe` after `start` misses what recovery emits,
   * such as the logs of the activities it restarts (and `wippy dev` must print those).
   */
  onEvent?: (event: EngineEvent) => void
  realNow?: () => number
  root: string
  /** State dir (default `<root>/.wippy/dev`). */
  stateDir?: string
  /** Workflows skip to their next timer when only timers are pending (`wippy test`). */
  virtualTime?: boolean
}

/** How the CLI acts on a PID: as `wippy-cli`, by prefix, refused by a blocked run. */
const CLI: Origin = {code: false, from: 'wippy-cli'}

export class Engine implements EngineApi {
  readonly layout: StateLayout
  /** Which host owns a PID, and who watches whom: built before the hosts, which register with it. */
  readonly node: Node
  /** `process.*` commands of functions (their PIDs are its own). */
  readonly functionCalls: FunctionCalls
  /** The CLI's workflow updates, at their `{update|<id>}` PIDs. */
  readonly updates: Updates
  readonly workflows: WorkflowHost
  readonly lua: LuaServices
  controlAddress?: string
  /** Plain processes and services (the services start after workflow recovery). */
  readonly processes: ProcessSide
  private registry: Registry
  private readonly catalog = new CodeCatalog()
  /** Runs a reload moved or pinned, bound to their version across restarts (see code-pins.ts). */
  private pins!: CodePins
  private readonly listeners = new Set<(event: EngineEvent) => void>()
  private readonly env: Record<string, string | undefined>

  private constructor(options: EngineOptions, registry: Registry, store: HistoryStore, lua: LuaServices) {
    this.layout = stateLayout(options.root, options.stateDir)
    this.registry = registry
    this.env = options.env ?? process.env
    this.lua = lua
    if (options.onEvent) this.listeners.add(options.onEvent)
    this.node = new Node(() => this.registry)
    this.functionCalls = new FunctionCalls(this.node)
    this.updates = new Updates(this.node)
    this.workflows = new WorkflowHost({
      activities: {
        defaultOptions: (entry) =>
          this.registry.entries.get(entry)?.meta.options as Record<string, unknown> | undefined,
        execute: async (request) => {
          const outcome = await this.lua.callFunction(request.entry, request.args, {
            context: request.context,
            timeoutMs: request.timeoutMs,
          })
          // An activity no worker has (yet) is retryable, as on Temporal: a reload may add it.
          if (outcome.error?.kind === 'NotFound' && !this.registry.entries.has(request.entry))
            return {error: {...outcome.error, retryable: true}}
          return outcome
        },
        onRetry: (run, entry, attempt, delayMs, error) =>
          this.emit({
            level: 'warn',
            message: `${entry} failed (attempt ${attempt}): ${error.message}; retrying in ${delayMs} ms`,
            pid: run.identity.pid,
            type: 'log',
          }),
      },
      ...(options.blockRetry ? {blockRetry: options.blockRetry} : {}),
      code: (entry, runKey) => this.codeFor(entry, runKey),
      env: (key) => this.env[key],
      historyLimits: historyLimitsFromEnv(this.env),
      ...(Number(this.env.WIPPY_STORAGE_RETRY_MS) > 0 ? {storageRetryMs: Number(this.env.WIPPY_STORAGE_RETRY_MS)} : {}),
      idleEvictMs: options.idleEvictMs,
      log: (pid, level, message, fields) => this.emit({fields, level, message, pid, type: 'log'}),
      onChange: (summary) => {
        this.indexRun(summary)
        // A closed run needs no code binding any more.
        if (summary.closedAt !== undefined)
          void this.pins?.drop(this.workflows.exactRun(summary.pid)?.identity.runKey ?? '').catch(() => {})
        this.emit({summary, type: 'run'})
      },
      onSettled: (runKey, historyLength) => {
        const indexed = this.index?.get(runKey)
        if (indexed) this.index!.set(runKey, {...indexed, settledLength: historyLength})
      },
      settledLength: (runKey) => this.index?.get(runKey)?.settledLength,
      onDamaged: (runKey) => this.index?.forget(runKey),
      onHistory: (pid, events) => {
        for (const event of events) this.emit({event, pid, type: 'history'})
      },
      realNow: options.realNow,
      store,
      virtualTime: options.virtualTime,
      node: this.node,
      workers: (host) => findWorker(this.registry, host),
    })
    this.processes = new ProcessSide(
      {
        emit: (event) => this.emit(event),
        env: (key) => this.env[key],
        lua,
        node: this.node,
        registry: () => this.registry,
      },
      lua.runtime,
    )
  }

  /** Loads the project, opens the state dir, and recovers every open workflow by replay. */
  static async start(options: EngineOptions): Promise<Engine> {
    const lua = await LuaServices.create()
    const loaded = await loadRegistry(options.root, {checkLua: lua.syntaxChecker(), env: options.env ?? process.env})
    // A broken entry must not keep the rest of the project from running: start without it
    // and report it (a hot reload that fixes it brings it in).
    const registry = withoutBrokenEntries(loaded)
    const layout = stateLayout(options.root, options.stateDir)
    await mkdir(layout.histories, {mode: 0o700, recursive: true})
    const store = new HistoryStore(layout.histories)
    const engine = new Engine(options, registry, store, lua)
    engine.index = await RunIndex.open(layout.runIndex)
    engine.pins = await CodePins.open(layout.code)
    await lua.bind({
      env: engine.env,
      log: (level, message, fields) => engine.emit({fields, level, message, type: 'log'}),
      processes: engine.functionCalls,
      registry: () => engine.registry,
    })
    const recovered = await engine.workflows.recover()
    await engine.checkCodeAtStart()
    const blocked = engine.workflows.list().filter((r) => r.status === 'blocked').length
    const recovery = {...recovered, blocked, open: recovered.open + recovered.blocked - blocked}
    for (const torn of recovery.tornTails)
      engine.emit({level: 'warn', message: `recovered history ${torn}`, type: 'log'})
    for (const damaged of recovery.damaged)
      engine.emit({level: 'error', message: `quarantined history ${damaged}`, type: 'log'})
    engine.recovery = recovery
    for (const summary of engine.workflows.list()) engine.indexRun(summary)
    engine.startProblems = loaded.problems.filter((p) => p.severity === 'error')
    await engine.processes.startServices()
    return engine
  }

  private index?: RunIndex

  /** Registry errors found at start; the entries they name were left out. */
  startProblems: Problem[] = []

  /** What recovery found at start (open runs replayed, torn tails dropped...). */
  recovery?: Awaited<ReturnType<WorkflowHost['recover']>>

  get currentRegistry(): Registry {
    return this.registry
  }

  async spawn(request: SpawnRequest): Promise<SpawnResult> {
    const entry = this.registry.entries.get(request.entry)
    if (!entry) throw unknownEntry(request.entry, this.registry)
    const {client, worker} = resolveSpawnHost(this.registry, entry, request.host)
    // The options, context and messages of a Lua spawn, decoded the same way (`with_options`, ...).
    const o = startOptionsOf({
      ...request.options,
      ...(request.context ? {context: request.context} : {}),
      ...(request.messages ? {messages: request.messages} : {}),
    })
    for (const m of o.messages) checkTopic(m.topic)
    const workflowId = request.id ?? o.workflowId
    const started = await this.workflows.start({
      client,
      entry: entry.id,
      input: request.input,
      worker,
      ...(workflowId ? {workflowId} : {}),
      ...(o.context ? {context: o.context} : {}),
      ...(o.conflictPolicy ? {conflictPolicy: o.conflictPolicy} : {}),
      startOptions: o.workflow,
    })
    // with_message: delivered right after the start, as from Lua (queued if the run blocked at once).
    for (const m of o.messages) await this.workflows.signal(started.pid, m.topic, m.payload, CLI.from, undefined, true)
    return {entry: entry.id, existing: started.existing, host: worker, id: started.workflowId, pid: started.pid}
  }

  /** Resolves when the run closes, or at once when it is (or becomes) blocked: a blocked run needs a human. */
  async wait(pid: string): Promise<RunOutcome> {
    const run = this.workflows.requireRun(pid)
    const end = await this.workflows.waitForCloseOrBlock(run.identity.pid)
    if ('closing' in end) return outcomeOf(run, end.closing)
    const kind = run.blockKind ?? 'code'
    return {
      error: {
        details: {blockKind: kind, hint: blockHint(kind, run.identity.workflowId, end.problem)},
        kind: 'Blocked',
        message: end.problem.message,
        retryable: kind === 'host',
      },
      pid: run.identity.pid,
      status: 'blocked',
    }
  }

  /**
   * What names the run `--run-id` picks: its run key (every lookup resolves it exactly), or with
   * `verb` its PID after refusing a closed one (the node routes a PID to the open run, the newest).
   * `pid` itself without a run ID.
   */
  private pickRun(pid: string, runId: string | undefined, verb?: string): string {
    if (runId === undefined) return pid
    // A quarantined run is in no run directory: reads (inspect, fork) address it by its key.
    const damaged = verb ? undefined : this.workflows.damagedRun(pid)
    if (damaged && runIdOfKey(damaged.runKey)?.startsWith(runId)) return damaged.runKey
    const run = this.workflows.requireRun(pid, runId)
    if (!verb) return run.identity.runKey
    if (!run.open) throw closedError(run, verb)
    return run.identity.pid
  }

  /** `{pid, runId}` of the workflow run a PID names now (its newest); just `{pid}` for a process. */
  private actedOn(pid: string): {pid: string; runId?: string} {
    const run = this.workflows.exactRun(pid)
    return {pid, ...(run ? {runId: runIdOfKey(run.identity.runKey)!} : {})}
  }

  async signal(pid: string, topic: string, payload: unknown[], runId?: string): Promise<{pid: string; runId?: string}> {
    checkTopic(topic)
    pid = this.pickRun(pid, runId, 'signal')
    const sent = await this.node.send(pid, topic, payload, CLI)
    throwIfError(sent.error)
    return this.actedOn(sent.pid ?? pid)
  }

  /** Delivers an update and waits for the workflow's answer (see updates.ts). */
  async update(
    pid: string,
    name: string,
    payload: unknown[],
    timeoutMs?: number,
    runId?: string,
  ): Promise<UpdateResult> {
    checkTopic(name)
    const answered = await this.updates.update(this.pickRun(pid, runId, 'update'), name, payload, timeoutMs)
    return {...answered, ...this.actedOn(answered.pid)}
  }

  async cancel(pid: string, reason?: string, runId?: string): Promise<{pid: string; runId?: string}> {
    pid = this.pickRun(pid, runId, 'cancel')
    const cancelled = await this.node.cancel(pid, reason ?? 'cancelled from the CLI', CLI)
    throwIfError(cancelled.error)
    return this.actedOn(cancelled.pid ?? pid)
  }

  async terminate(pid: string, reason?: string, runId?: string): Promise<{pid: string; runId?: string}> {
    pid = this.pickRun(pid, runId, 'terminate')
    const terminated = await this.node.terminate(pid, reason ?? 'terminated from the CLI', CLI)
    throwIfError(terminated.error)
    return this.actedOn(terminated.pid ?? pid)
  }

  async skipTime(
    pid: string,
    by: number | 'next-timer',
    runId?: string,
  ): Promise<{now: number; pid: string; runId?: string; skippedMs: number}> {
    const run = this.workflows.requireRun(pid, runId)
    // A PID names the newest run; an older one (`--run-id`) is named by its run key.
    const skipped = await this.workflows.skipTime(runId === undefined ? run.identity.pid : run.identity.runKey, by)
    return {...skipped, pid: run.identity.pid, runId: runIdOfKey(run.identity.runKey)!}
  }

  async fork(pid: string, at: number, id?: string, runId?: string): Promise<SpawnResult> {
    pid = this.pickRun(pid, runId)
    // A quarantined run forks from its good prefix (the events before the damage).
    const damaged = this.workflows.damagedRun(pid)
    const run = damaged ? undefined : this.workflows.requireRun(pid)
    const started = damaged ? damaged.started : run!.started
    const source = damaged ? {entry: damaged.entry, pid: damaged.pid, workflowId: damaged.workflowId} : run!.identity
    const events = damaged ? damaged.events : await this.workflows.history(run!.identity.runKey)
    if (!started) {
      throw new WippyError(
        'WIPPY_FORK_AT_INVALID',
        `Can't fork ${source.workflowId}: no event of its damaged history can be read.`,
        {
          hint: `There is nothing to fork from; \`wippy history repair ${source.workflowId}\` moves the file aside (keeping a copy).`,
        },
      )
    }
    if (!Number.isInteger(at) || at < 1 || at > events.length) {
      const has = damaged
        ? `only events 1..${events.length} of its damaged history are intact`
        : `it has events 1..${events.length}`
      throw new WippyError('WIPPY_FORK_AT_INVALID', `Can't fork ${source.workflowId} at event ${at}: ${has}.`, {
        hint: 'Pick an event index from `wippy history inspect`; the fork keeps events 1..N and runs on from there.',
      })
    }
    const prefix = events.slice(0, at).filter((e) => !isClosingEvent(e))
    const [client, worker] = clientAndWorkerOf(source.pid)
    const forked = await this.workflows.start({
      client,
      entry: source.entry,
      forkedFrom: {at, events: prefix, pid: source.pid},
      input: started.input,
      worker,
      ...(started.context ? {context: started.context} : {}),
      ...(id ? {workflowId: id} : {}),
    })
    return {entry: source.entry, existing: false, host: worker, id: forked.workflowId, pid: forked.pid}
  }

  async history(pid: string, range: HistoryRange = {}, runId?: string): Promise<HistoryView> {
    pid = this.pickRun(pid, runId)
    const damaged = this.workflows.damagedRun(pid)
    if (damaged) {
      const damage = {...damaged.damage, file: damaged.file}
      return {
        damage,
        events: sliceHistory(damaged.events, range),
        pid: damaged.pid,
        runId: runIdOfKey(damaged.runKey)!,
        status: 'damaged',
        total: damaged.events.length,
      }
    }
    const run = this.workflows.requireRun(pid)
    let events: HistoryEvent[]
    try {
      events = await this.workflows.history(run.identity.runKey)
    } catch (error) {
      // Found damaged just now (an evicted run's file was read again): show it as quarantined.
      if ((error as WippyError).code === 'WIPPY_RUN_DAMAGED' && this.workflows.damagedRun(pid))
        return this.history(pid, range)
      throw error
    }
    const view: HistoryView = {
      events: sliceHistory(events, range),
      pid: run.identity.pid,
      runId: runIdOfKey(run.identity.runKey)!,
      status: run.status,
      total: events.length,
    }
    if (run.status === 'blocked' && run.problem) {
      const kind = run.blockKind ?? 'code'
      view.blocked = {hint: blockHint(kind, run.identity.workflowId, run.problem), kind, problem: run.problem.message}
    }
    return view
  }

  async repair(pid: string, runId?: string): Promise<RepairOutput> {
    // A damaged run is not in the directory: its run key is the workflow ID and the run ID.
    const repaired = await this.workflows.repair(runId === undefined ? pid : `${pid}~${runId}`)
    if (repaired.summary) this.indexRun(repaired.summary)
    return repaired
  }

  async replayCheck(pid: string, runId?: string): Promise<ReplayCheckResult> {
    const run = this.workflows.requireRun(pid, runId)
    const events = await this.workflows.history(run.identity.runKey)
    return this.checkEvents(events, run.identity.pid)
  }

  /** Replays any history (a run's, or an exported file's) against the current code. */
  async checkEvents(events: HistoryEvent[], pid: string): Promise<ReplayCheckResult> {
    const started = events[0]
    if (started?.type !== 'WorkflowStarted') {
      throw new WippyError('WIPPY_HISTORY_CORRUPT', 'The history does not start with WorkflowStarted.', {
        hint: 'Pass a history exported by `wippy history export`.',
      })
    }
    const code = this.catalog.workflow(this.registry, started.entry)
    if (!code) throw unknownEntry(started.entry, this.registry)
    return {...(await this.checkWithCode(events, code)), pid, runId: started.runId}
  }

  ps(filter: {all?: boolean; status?: string} = {}): ProcessInfo[] {
    const rows: ProcessInfo[] = [
      ...this.workflows.list(),
      ...this.processes.list({all: filter.all === true || filter.status !== undefined}),
    ]
    // Services are listed while supervised (also failed and waiting to restart), not only while running.
    const live = (r: ProcessInfo): boolean =>
      r.status === 'running' ||
      r.status === 'blocked' ||
      r.status === 'damaged' ||
      (r.kind === 'service' && r.status !== 'stopped' && r.status !== 'exited')
    return rows.filter((r) => (filter.status ? r.status === filter.status : filter.all || live(r)))
  }

  async call(entry: string, args: unknown[]): Promise<{error?: LuaErrorValue; value?: unknown}> {
    if (!this.registry.entries.has(entry)) throw unknownEntry(entry, this.registry)
    return this.lua.callFunction(entry, args, {})
  }

  /** Reloads the registry from disk; see `reload.ts` for what a reload does to running code. */
  async applyRegistry(): Promise<ReloadReport> {
    const report = await reloadRegistry({
      catalog: this.catalog,
      checkRun: (events, version) => this.checkWithCode(events, version),
      current: this.registry,
      env: this.env,
      history: (pid) => this.workflows.history(pid),
      lua: this.lua,
      markOldCode: (pid, oldCode) => this.workflows.setOldCode(pid, oldCode),
      moveRun: (pid) => this.workflows.reloadCode(pid),
      openRuns: () => this.workflows.list().filter((r) => r.status === 'running' || r.status === 'blocked'),
      reblock: (pid, problem) => this.workflows.reblock(pid, problem),
      unblock: (pid) => this.workflows.unblockRun(pid),
      bind: (runKey, version) => this.pins.bind(runKey, version),
      pinned: (runKey) => this.pins.get(runKey),
      swap: (next) => {
        this.registry = next
      },
      runKeyOf: (pid) => this.workflows.requireRun(pid).identity.runKey,
    })
    if (report.errors.length === 0) await this.processes.applyRegistry(this.registry, report)
    // A new temporal.worker may serve the queue a pending child waits on.
    if (report.errors.length === 0) await this.workflows.startPendingChildren()
    this.emit({report, type: 'reload'})
    return report
  }

  status(): EngineStatus {
    const runs = this.workflows.list()
    return {
      entries: this.registry.entries.size,
      persistence: {dir: this.layout.dir, durable: true},
      processes: this.processes.list().filter((p) => p.kind === 'process' || p.status === 'running').length,
      root: this.registry.root,
      workflows: {
        blocked: runs.filter((r) => r.status === 'blocked').length,
        open: runs.filter((r) => r.status === 'running').length,
        total: runs.length,
      },
      ...(this.controlAddress ? {controlAddress: this.controlAddress} : {}),
    }
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stops timers and activities; every acknowledged event is already on disk. */
  async close(): Promise<void> {
    await this.processes.close()
    await this.workflows.close()
    await this.index?.flush()
    this.lua.close()
    this.listeners.clear()
  }

  /** See {@link checkRunsAtStart}: a restart with changed code does what a reload would. */
  private async checkCodeAtStart(): Promise<void> {
    await checkRunsAtStart({
      bind: (runKey, version) => this.pins.bind(runKey, version),
      block: (pid, problem) => this.workflows.blockRun(pid, problem),
      checkRun: (events, version) => this.checkWithCode(events, version),
      current: (entry) => this.catalog.workflow(this.registry, entry),
      history: (pid) => this.workflows.history(pid),
      markOldCode: (pid, oldCode) => this.workflows.setOldCode(pid, oldCode),
      moveRun: (pid) => this.workflows.reloadCode(pid),
      openRuns: () =>
        this.workflows.list().flatMap((summary) => {
          const run = this.workflows.exactRun(summary.pid)
          if (!run?.open) return []
          const bound = this.pins.get(run.identity.runKey)
          return [
            {
              blocked: run.status === 'blocked',
              entry: run.identity.entry,
              id: run.identity.workflowId,
              loaded: run.loaded,
              pid: run.identity.pid,
              runKey: run.identity.runKey,
              startedCodeHash: run.startedCodeHash,
              ...(bound ? {bound} : {}),
            },
          ]
        }),
    })
  }

  /** Replays a history against one code version in a scratch VM (nothing runs, nothing is written). */
  private async checkWithCode(events: HistoryEvent[], version: CodeVersion): Promise<ReplayCheckResult> {
    const started = events[0]
    const program = await this.lua.createProgram({
      ...version.spec,
      pid: started?.type === 'WorkflowStarted' ? started.pid : '',
      seed: started?.type === 'WorkflowStarted' ? started.seed : 0,
    })
    const check = await checkReplay(events, program, (entry) => !!this.catalog.workflow(this.registry, entry))
    if (!check.divergence) return {ok: check.ok, pid: '', replayedEvents: check.replayedEvents}
    const {eventIndex, expected, got, message, where} = check.divergence
    return {
      divergence: {eventIndex, expected, got, message, ...(where ? {where} : {})},
      ok: false,
      pid: '',
      replayedEvents: check.replayedEvents,
    }
  }

  private codeFor(entry: string, runKey?: string) {
    const version = (runKey ? this.pins.get(runKey) : undefined) ?? this.catalog.workflow(this.registry, entry)
    if (!version) return undefined
    return {
      codeHash: version.codeHash,
      instantiate: (run: {
        attempt?: number
        context?: Record<string, unknown>
        entry: string
        pid: string
        seed: number
        workflowId: string
        runId: string
      }) =>
        this.lua.createProgram({
          ...version.spec,
          context: {...run.context, workflow_id: run.workflowId, run_id: run.runId},
          pid: run.pid,
          seed: run.seed,
          workflow: workflowInfo(this.registry, run),
        }),
    }
  }

  /** Keeps the run index (`runs.json`) in step with a run's status. */
  private indexRun(summary: RunSummary): void {
    // A quarantined run is not indexed (its file is read again each time).
    const run = summary.status === 'damaged' ? undefined : this.workflows.exactRun(summary.pid)
    if (!run || !this.index) return
    this.index.set(run.identity.runKey, {
      entry: summary.entry,
      pid: summary.pid,
      startedAt: summary.startedAt,
      status: summary.status,
      workflowId: summary.id,
      ...(summary.closedAt === undefined ? {} : {closedAt: summary.closedAt}),
      ...(summary.searchAttributes ? {searchAttributes: summary.searchAttributes} : {}),
      ...(summary.memo ? {memo: summary.memo} : {}),
    })
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event)
  }
}

/** A topic the CLI may send: those starting with @ are the platform's. */
function checkTopic(topic: string): void {
  if (topic.startsWith('@')) {
    throw new WippyError('WIPPY_TOPIC_RESERVED', `The topic "${topic}" is reserved.`, {
      hint: 'Topics starting with @ belong to the platform; pick another name.',
      kind: 'usage',
    })
  }
}

function throwIfError(error: LuaErrorValue | undefined): void {
  if (error)
    throw new WippyError('WIPPY_PROCESS_ERROR', `${error.message}.`, {
      hint: 'Check the PID or name with `wippy ps --all`.',
    })
}

function outcomeOf(run: WorkflowRun, closing: HistoryEvent): RunOutcome {
  return outcomeOfClose(run.identity.pid, closing) ?? {pid: run.identity.pid, result: undefined, status: run.status}
}
