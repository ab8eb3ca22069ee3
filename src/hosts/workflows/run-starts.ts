/**
 * New runs: the ID conflict policy of an explicit workflow ID (use the running one, fail, or
 * terminate it), then the history file (created and synced while the first VM is built, see
 * prebuild.ts), a fork's borrowed prefix, and the first load. A run that continued as new
 * (`process.upgrade`) gets its next run here too: same workflow ID and PID, the run ID its
 * closing event chose (so starting it again after a crash is a no-op: the file exists).
 */
import {WippyError} from '../../errors.js'
import type {EventOf, HistoryEvent, NewHistoryEvent} from '../../history/events.js'
import {checkPayload} from '../../history/payload-limits.js'
import type {HistoryStore, RunLog} from '../../history/store.js'
import type {StartRequest, WorkflowCode} from './host-options.js'
import {formatWorkflowPid, newRunId, newWorkflowId, runKeyOf} from './pid.js'
import {prebuildProgram} from './prebuild.js'
import type {WorkflowRun} from './run.js'
import type {RunResidency} from './run-residency.js'

/** What starts need of the workflow host. */
export interface StartsHost {
  closed(): boolean
  code(entry: string): WorkflowCode | undefined
  /** Whether a run with this run key is known (loaded or quarantined). */
  hasRun(runKey: string): boolean
  newRun(runKey: string, events: HistoryEvent[]): WorkflowRun
  openByWorkflowId(workflowId: string): WorkflowRun | undefined
  latestByWorkflowId(workflowId: string): WorkflowRun | undefined
  /** The dev log's warning for a run (an option not honoured here). */
  warn(pid: string, message: string): void
  random(): number
  realNow(): number
  readonly residency: RunResidency
  readonly store: HistoryStore
  terminate(pid: string, reason: string): Promise<void>
}

export class RunStarts {
  /** Starts with an explicit workflow ID whose file is being created: a second one waits. */
  private readonly starting = new Map<string, Promise<unknown>>()

  constructor(private readonly host: StartsHost) {}

  /** Starts a workflow run, or returns the running one with the same explicit ID. */
  async start(request: StartRequest): Promise<{pid: string; workflowId: string; existing: boolean}> {
    if (this.host.closed())
      throw new WippyError('WIPPY_ENGINE_STOPPED', 'The workflow host is stopping.', {hint: 'Start `wippy dev` again.'})
    const code = this.host.code(request.entry)
    if (!code) {
      throw new WippyError('WIPPY_WORKFLOW_UNKNOWN', `No workflow.lua entry ${request.entry} is loaded.`, {
        hint: 'Check the entry ID (namespace:name) with `wippy registry list --kind workflow.lua`.',
      })
    }
    const problems = request.startOptions?.problems ?? []
    if (problems.length > 0)
      throw new WippyError('WIPPY_WORKFLOW_OPTIONS_INVALID', `Invalid start options: ${problems.join('; ')}.`, {
        hint: 'See the Temporal start options (workflow.*) in the platform docs.',
        kind: 'user',
      })
    if (request.workflowId) {
      // A start of the same ID under way (its file is being created): decide after it.
      const pending = this.starting.get(request.workflowId)
      if (pending) {
        await pending.catch(() => {})
        return this.start(request)
      }
      const existing = this.host.openByWorkflowId(request.workflowId)
      const reuse = request.startOptions?.reusePolicy
      if (!existing) this.checkReuse(request.workflowId, reuse)
      // TERMINATE_IF_RUNNING (a reuse policy) acts like terminate_existing when no conflict policy is given.
      const conflictPolicy =
        reuse === 'terminate_if_running' && !request.conflictPolicy ? 'terminate_existing' : request.conflictPolicy
      if (existing && conflictPolicy === 'fail') {
        throw new WippyError(
          'WIPPY_WORKFLOW_ALREADY_STARTED',
          `Workflow ${request.workflowId} is already running (${existing.identity.pid}).`,
          {
            hint: 'Its ID conflict policy is "fail": pick another ID, or drop the policy to reuse the running workflow.',
            kind: 'user',
          },
        )
      }
      if (existing && conflictPolicy === 'terminate_existing')
        await this.host.terminate(existing.identity.pid, 'terminated by a new start with the same ID')
      else if (existing) return {existing: true, pid: existing.identity.pid, workflowId: request.workflowId}
      const started = this.startNew(request, code)
      this.starting.set(request.workflowId, started)
      try {
        return await started
      } finally {
        this.starting.delete(request.workflowId)
      }
    }
    return this.startNew(request, code)
  }

  /** Temporal's WorkflowIdReusePolicy, for an ID whose last run is closed (default: allow). */
  private checkReuse(workflowId: string, reuse: string | undefined): void {
    const last = this.host.latestByWorkflowId(workflowId)
    if (!last || last.open) return
    const refused =
      reuse === 'reject_duplicate' || (reuse === 'allow_duplicate_failed_only' && last.status === 'completed')
    if (!refused) return
    throw new WippyError(
      'WIPPY_WORKFLOW_ALREADY_STARTED',
      `Workflow ${workflowId} has already run (${last.identity.pid}, ${last.status}): its ID reuse policy is "${reuse}".`,
      {hint: 'Pick another workflow ID, or drop workflow.id_reuse_policy to allow a new run.', kind: 'user'},
    )
  }

  private async startNew(
    request: StartRequest,
    code: WorkflowCode,
  ): Promise<{pid: string; workflowId: string; existing: boolean}> {
    checkPayload(request.input, 'workflow input')
    const workflowId = request.workflowId ?? newWorkflowId(this.host.random)
    const runId = newRunId(this.host.random)
    const pid = formatWorkflowPid({client: request.client, worker: request.worker, workflowId})
    const runKey = runKeyOf(workflowId, runId)
    const ts = this.host.realNow()
    const o = request.startOptions
    const started: NewHistoryEvent = {
      codeHash: code.codeHash,
      entry: request.entry,
      format: 1,
      host: request.worker,
      input: request.input,
      pid,
      runId,
      seed: Math.floor(this.host.random() * 2 ** 31),
      ts,
      type: 'WorkflowStarted',
      workflowId,
      ...(request.parent ? {parent: request.parent} : {}),
      ...(request.context && Object.keys(request.context).length > 0 ? {context: request.context} : {}),
      ...(request.forkedFrom ? {forkedFrom: {at: request.forkedFrom.at, pid: request.forkedFrom.pid}} : {}),
      ...(o?.memo ? {memo: o.memo} : {}),
      ...(o?.searchAttributes ? {searchAttributes: o.searchAttributes} : {}),
      ...(o?.executionTimeoutMs ? {executionTimeoutMs: o.executionTimeoutMs} : {}),
      ...(o?.runTimeoutMs ? {runTimeoutMs: o.runTimeoutMs} : {}),
      ...(request.parent && o?.parentClosePolicy ? {parentClosePolicy: o.parentClosePolicy} : {}),
    }
    // A fork takes the first N events of another run as its own (after its own start event);
    // then a Warning for each start option not honoured here.
    const copied = request.forkedFrom?.events.slice(1).map(({seq: _seq, ...rest}) => rest as NewHistoryEvent) ?? []
    const warnings = unsupportedWarnings(o?.unsupported ?? [], ts)
    for (const w of warnings) this.host.warn(pid, w.message)
    await this.begin(runKey, started, code, [...copied, ...warnings])
    return {existing: false, pid, workflowId}
  }

  /**
   * Starts the next run of a run that continued as new (`closing`), unless it exists already.
   * It keeps the workflow ID, PID, host, parent, context, memo and search attributes; its input
   * and entry are the closing event's; its clock goes on from the old run's skips.
   * @throws WippyError WIPPY_WORKFLOW_UNKNOWN when the entry is no longer loaded.
   */
  async continueAsNew(from: WorkflowRun, closing: EventOf<'WorkflowContinuedAsNew'>): Promise<void> {
    const {workflowId, pid} = from.identity
    const runKey = runKeyOf(workflowId, closing.newRunId)
    if (this.host.hasRun(runKey)) return
    const code = this.host.code(closing.entry)
    if (!code) {
      throw new WippyError('WIPPY_WORKFLOW_UNKNOWN', `No workflow.lua entry ${closing.entry} is loaded.`, {
        hint: `Run ${workflowId} continued as new on it (process.upgrade); load the entry and restart \`wippy dev\`.`,
      })
    }
    const prior = from.started
    const open = from.outstanding
    const started: NewHistoryEvent = {
      codeHash: code.codeHash,
      entry: closing.entry,
      format: 1,
      host: prior.host,
      input: closing.input,
      pid,
      runId: closing.newRunId,
      seed: Math.floor(this.host.random() * 2 ** 31),
      // After the run it continues, always: the newest run of a workflow ID is the last started.
      ts: Math.max(this.host.realNow(), prior.ts + 1),
      type: 'WorkflowStarted',
      workflowId,
      ...(prior.parent ? {parent: prior.parent} : {}),
      ...(prior.context ? {context: prior.context} : {}),
      ...(open.memo ? {memo: open.memo} : {}),
      ...(open.search ? {searchAttributes: open.search} : {}),
      continuedFrom: prior.runId,
    }
    const skipped: NewHistoryEvent[] =
      open.skippedMs > 0 ? [{byMs: open.skippedMs, ts: started.ts + open.skippedMs, type: 'TimeSkipped'}] : []
    const pending = this.begin(runKey, started, code, skipped)
    this.starting.set(workflowId, pending)
    try {
      await pending
    } catch (error) {
      // Started already (the file exists): a recovery or an earlier call got there first.
      if ((error as {code?: string}).code === 'WIPPY_HISTORY_EXISTS' || this.host.hasRun(runKey)) return
      throw error
    } finally {
      if (this.starting.get(workflowId) === pending) this.starting.delete(workflowId)
    }
  }

  /** Creates the history (while the VM is built), appends `more` after the start event, and loads the run. */
  private async begin(
    runKey: string,
    started: NewHistoryEvent,
    code: WorkflowCode,
    more: NewHistoryEvent[],
  ): Promise<void> {
    // The VM is built while the history file is created and synced (see prebuild.ts).
    const creating = this.host.store.create(runKey, started)
    // Marked handled now: it is awaited below, after the VM is built.
    creating.catch(() => {})
    const program = await prebuildProgram(code, started as EventOf<'WorkflowStarted'>)
    let log: RunLog
    try {
      log = await creating
    } catch (error) {
      program?.close()
      throw error
    }
    let events: HistoryEvent[] = []
    if (more.length > 0) {
      try {
        events = await log.append(more)
      } catch (error) {
        program?.close()
        throw error
      }
    }
    this.host.residency.adopt(runKey, log)
    const first = {...started, seq: 1} as HistoryEvent
    const run = this.host.newRun(runKey, [first, ...events])
    await this.host.residency.load(run, program && {codeHash: code.codeHash, program})
  }
}

/** A Warning event for each start option the local engine does not honour (registry/option-support.ts). */
function unsupportedWarnings(names: string[], ts: number): Array<Omit<EventOf<'Warning'>, 'seq'>> {
  return names.map((name) => ({
    message: `workflow.${name} is not honoured by the local engine (it is on Temporal); the run goes on without it`,
    option: `workflow.${name}`,
    ts,
    type: 'Warning',
  }))
}
