/**
 * Which runs are resident: a run's history file handle and its VM, loaded on demand and
 * dropped when idle (Temporal keeps this out of activation too: its worker caches VMs behind
 * `WorkflowCreator`). Every touch of a run goes through {@link RunResidency.withLoaded}, which
 * holds the run so the idle evictor cannot drop its VM between the load and the touch.
 */
import {WippyError} from '../../errors.js'
import type {HistoryStore, RunLog} from '../../history/store.js'
import type {LuaProgram} from '../../lua/types.js'
import type {WorkflowCode} from './host-options.js'
import {IdleEvictor} from './idle-evictor.js'
import {instantiateArgs} from './prebuild.js'
import type {WorkflowRun} from './run.js'

/** What residency needs of the workflow host. */
export interface ResidencyHost {
  readonly store: HistoryStore
  code(entry: string, runKey?: string): WorkflowCode | undefined
  /** Drop the VM of a run idle this long (ms). */
  readonly idleEvictMs: number
  /** A run was evicted idle with this many events (see WorkflowHostOptions.onSettled). */
  onSettled?(runKey: string, historyLength: number): void
  /** A run's storage failed: it is tried again later (storage-retry.ts). */
  park(run: WorkflowRun): void
  afterChange(run: WorkflowRun): void
  /** An evicted run's file turned out damaged: quarantine it (throws). */
  quarantine(run: WorkflowRun, error: unknown): Promise<never>
  /** A run's file was reopened after a storage failure (children that closed meanwhile tell it again). */
  reopened(run: WorkflowRun): void
}

export class RunResidency {
  private readonly logs = new Map<string, RunLog>()
  private readonly evictor: IdleEvictor

  constructor(private readonly host: ResidencyHost) {
    this.evictor = new IdleEvictor(host.idleEvictMs, async (run) => {
      host.onSettled?.(run.identity.runKey, run.historyLength)
      run.evict()
      const log = this.logs.get(run.identity.runKey)
      this.logs.delete(run.identity.runKey)
      await log?.close()
    })
  }

  /** The open history file of a run, from now on. */
  adopt(runKey: string, log: RunLog): void {
    this.logs.set(runKey, log)
  }

  logOf(runKey: string): RunLog {
    const log = this.logs.get(runKey)
    if (!log) throw new Error(`history ${runKey} is not open`)
    return log
  }

  /** An idle run may be evicted after a while; a touched one may not (until it is idle again). */
  scheduleEviction(run: WorkflowRun): void {
    this.evictor.schedule(run)
  }

  cancelEviction(run: WorkflowRun): void {
    this.evictor.cancel(run)
  }

  /** Stops evicting and closes every history file, once the runs' queues are drained. */
  async close(runs: WorkflowRun[]): Promise<void> {
    this.evictor.clear()
    await Promise.all(runs.map((run) => run.serial(() => {})))
    await Promise.all([...this.logs.values()].map((log) => log.close()))
    this.logs.clear()
  }

  /** Creates the program and replays the run's history into it (inside the run's queue). */
  load(run: WorkflowRun, prebuilt?: {codeHash: string; program: LuaProgram}): Promise<void> {
    return run
      .serial(async () => {
        if (!run.open || run.loaded) {
          prebuilt?.program.close()
          return
        }
        const code = this.host.code(run.identity.entry, run.identity.runKey)
        if (!code) {
          prebuilt?.program.close()
          throw new WippyError('WIPPY_WORKFLOW_UNKNOWN', `The code of ${run.identity.entry} is not loaded.`, {
            hint: 'The workflow.lua entry was removed or renamed; restore it to let this run go on.',
          })
        }
        // A VM built before a reload changed the code is dropped: the run gets today's code, as before.
        if (prebuilt && prebuilt.codeHash !== code.codeHash) prebuilt.program.close()
        const program =
          prebuilt && prebuilt.codeHash === code.codeHash
            ? prebuilt.program
            : await code.instantiate(instantiateArgs(run.started))
        await run.load(program)
      })
      .then(() => {
        if (run.storageFailed) this.host.park(run)
        this.host.afterChange(run)
      })
  }

  /**
   * Runs `fn` on a run with its history and program loaded. The run is held meanwhile, so
   * the idle evictor cannot drop its VM between the load and `fn` (a delivery to an
   * unloaded run would be recorded but never handed to the code).
   */
  async withLoaded<T>(run: WorkflowRun, fn: () => Promise<T>): Promise<T> {
    run.holds++
    try {
      await this.ensureLoaded(run)
      return await fn()
    } catch (error) {
      // The disk refused this run's event: it is parked, and tried again without a request.
      if (run.storageFailed) this.host.park(run)
      throw error
    } finally {
      run.holds--
      this.host.afterChange(run)
    }
  }

  /**
   * Makes sure an evicted run has its history and program back before it is touched. A run
   * parked by a storage failure is reopened from its file and replayed; if that fails again,
   * the storage error is thrown (the caller's event is not recorded).
   */
  private async ensureLoaded(run: WorkflowRun): Promise<void> {
    this.evictor.cancel(run)
    if (run.storageFailed) await this.reopen(run)
    if (!run.open || run.loaded) return
    if (run.evicted) {
      let failed: {error: unknown} | undefined
      await run.serial(async () => {
        if (!run.evicted) return
        try {
          const {events, log} = await this.host.store.open(run.identity.runKey)
          this.logs.set(run.identity.runKey, log)
          run.restore(events)
        } catch (error) {
          failed = {error}
        }
      })
      // A damaged file quarantines the run (and refuses the delivery); any other failure blocks it.
      if (failed)
        await this.host
          .quarantine(run, failed.error)
          .catch((error: unknown) => (error === failed!.error ? run.block(error as Error) : Promise.reject(error)))
    }
    if (run.status !== 'blocked') await this.load(run)
    if (run.storageFailed) throw run.problem!
  }

  /** Closes a failed log and opens the file again through the recovery reader. */
  private async reopen(run: WorkflowRun): Promise<void> {
    const key = run.identity.runKey
    await run.exclusive(async () => {
      if (!run.storageFailed) return
      const failed = this.logs.get(key)
      this.logs.delete(key)
      await failed?.close().catch(() => {})
      const {events, log} = await this.host.store.open(key)
      this.logs.set(key, log)
      run.reopened(events)
    })
    this.host.reopened(run)
  }

  /**
   * Loads a blocked run again from its history file (what was in memory may be what failed
   * to be written), on the code \`code()\` gives it now. A failure blocks it again.
   */
  async reloadFromDisk(run: WorkflowRun): Promise<void> {
    await run.serial(async () => {
      run.evict()
      const log = this.logs.get(run.identity.runKey)
      this.logs.delete(run.identity.runKey)
      await log?.close().catch(() => {})
      run.unblock()
    })
    await this.withLoaded(run, async () => {})
  }
}
