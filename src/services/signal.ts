/**
 * `wippy signal`: delivered through the running `wippy dev`, or, without one, queued durably in
 * the run's history (`control/offline.ts`) for the engine to deliver when it next recovers the run.
 */
import {waitForControl} from '../control/client.js'
import {WippyError} from '../errors.js'
import {checkPayload} from '../history/payload-limits.js'
import {parsePid} from '../history/run-names.js'
import {type ProjectOptions, type RunChoice, offline, stateDirOf, withClient} from './control.js'

/** What `wippy signal` returns: delivered now, or queued in the history for the next start. */
export interface SignalOutput {
  delivered: boolean
  pid: string
  /** The run signalled (a workflow's; none for a process). */
  runId?: string
  queued?: boolean
  seq?: number
}

export async function signalRun(
  options: ProjectOptions & RunChoice & {payload: unknown[]; pid: string; topic: string},
): Promise<SignalOutput> {
  // Before either path: the offline one has no request-size cap of its own.
  checkPayload(options.payload, 'signal payload')
  const request = {
    payload: options.payload,
    pid: options.pid,
    topic: options.topic,
    ...(options.runId === undefined ? {} : {runId: options.runId}),
  }
  return withClient(options, async (client) => {
    if (client) return {delivered: true, ...(await client.signal(request))}
    // Only workflows have a durable inbox; a plain process lives only inside a running engine.
    const target = parsePid(options.pid)
    if (target && !target.node) {
      throw new WippyError(
        'WIPPY_DEV_NOT_RUNNING',
        `Can't signal the process ${options.pid}: processes live only while \`wippy dev\` runs.`,
        {
          hint: 'Start `wippy dev` in the project, then send the signal again. (Signals to workflows are queued durably without it.)',
        },
      )
    }
    try {
      const queued = await (
        await offline()
      ).queueOfflineSignal(options.root, options.pid, options.topic, options.payload, options.stateDir, options.runId)
      return {delivered: false, pid: queued.pid, queued: true, runId: queued.runId, seq: queued.seq}
    } catch (error) {
      // A dev server took the state lock first: it owns the files now, so deliver through it.
      // Nothing was written (the lock is taken before the history is read): still exactly one signal.
      if (!(error instanceof WippyError && error.code === 'WIPPY_DEV_STARTING')) throw error
      // A server replaying many runs at start may take a while to answer: wait as long as a start does.
      const late = await waitForControl(options.root, {timeoutMs: 30_000, ...stateDirOf(options)})
      if (!late) throw error
      try {
        return {delivered: true, ...(await late.signal(request))}
      } finally {
        late.close()
      }
    }
  })
}
