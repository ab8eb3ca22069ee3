/**
 * Who waits on a run, by run key: `wait` hears its close or a block by its code (so it never
 * hangs on a run that needs a human); a watcher (a monitoring process, a test) hears its close
 * only. The host tells it when a run closes or is blocked by its code; a run blocked by a host
 * fault is retried, so its waiters wait on (as a Temporal client waits while a failed workflow
 * task is retried).
 */
import type {HistoryEvent} from '../../history/events.js'
import type {WorkflowRun} from './run.js'

export class RunWaiters {
  readonly #close = new Map<string, Array<(closing: HistoryEvent) => void>>()
  readonly #block = new Map<string, Array<(problem: Error) => void>>()

  /** Resolves when the run closes, with its closing event. */
  forClose(run: WorkflowRun): Promise<HistoryEvent> {
    if (run.closing) return Promise.resolve(run.closing)
    return new Promise((resolve) => this.#add(this.#close, run.identity.runKey, resolve))
  }

  /** Resolves when the run closes (with its closing event) or is blocked by its code (with why). */
  forCloseOrBlock(run: WorkflowRun): Promise<{closing: HistoryEvent} | {problem: Error}> {
    if (run.closing) return Promise.resolve({closing: run.closing})
    if (run.status === 'blocked' && run.blockKind !== 'host')
      return Promise.resolve({problem: run.problem ?? new Error('blocked')})
    return new Promise((resolve) => {
      this.#add(this.#close, run.identity.runKey, (closing) => resolve({closing}))
      this.#add(this.#block, run.identity.runKey, (problem) => resolve({problem}))
    })
  }

  /** The run closed: every waiter hears it. */
  closed(runKey: string, closing: HistoryEvent): void {
    for (const resolve of this.#close.get(runKey) ?? []) resolve(closing)
    this.#close.delete(runKey)
    this.#block.delete(runKey)
  }

  /**
   * The run was blocked by its code: `wait` hears why. Close watchers stay: a process watching
   * the run still hears when it closes (a waiter just answered ignores the second resolve).
   */
  blocked(runKey: string, problem: Error): void {
    for (const resolve of this.#block.get(runKey) ?? []) resolve(problem)
    this.#block.delete(runKey)
  }

  /**
   * The run continued as new (`process.upgrade`): its waiters wait on for the next run, which
   * has the same PID (a Temporal client's result follows the chain the same way).
   */
  moved(fromRunKey: string, toRunKey: string): void {
    for (const map of [this.#close, this.#block] as Array<Map<string, Array<(value: never) => void>>>) {
      const list = map.get(fromRunKey)
      if (!list) continue
      map.delete(fromRunKey)
      map.set(toRunKey, [...(map.get(toRunKey) ?? []), ...list])
    }
  }

  #add<T>(map: Map<string, Array<(value: T) => void>>, runKey: string, resolve: (value: T) => void): void {
    const list = map.get(runKey) ?? []
    list.push(resolve)
    map.set(runKey, list)
  }
}
