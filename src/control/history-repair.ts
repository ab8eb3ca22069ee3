/**
 * The service behind `wippy history repair`: cuts a damaged (quarantined) run's history back
 * to its last good event, keeping a copy of the whole file (see `history/damage.ts`). With a
 * dev server running it goes through it (the server owns the files, and recovers the run at
 * once); without one it works on the files, and the run is recovered at the next start.
 */
import type {RepairOutput} from '../engine/api.js'
import {stateLayout} from '../engine/state-dir.js'
import {WippyError} from '../errors.js'
import {connectControl} from './client.js'
import {acquireDevLock} from './dev-lock.js'

/** What `wippy history repair` returns; `source` says whether the dev server or the files did it. */
export interface RepairRunOutput extends RepairOutput {
  source: 'engine' | 'files'
}

export async function repairRun(options: {
  pid: string
  root: string
  runId?: string
  stateDir?: string
}): Promise<RepairRunOutput> {
  const client = await connectControl(options.root, options.stateDir === undefined ? {} : {stateDir: options.stateDir})
  if (client) {
    try {
      return {
        ...(await client.repair({pid: options.pid, ...(options.runId === undefined ? {} : {runId: options.runId})})),
        source: 'engine',
      }
    } finally {
      client.close()
    }
  }
  // The offline path takes the state lock the engine holds, as offline signals do: one writer
  // owns the histories (a dev server holding it gives WIPPY_DEV_STARTING, retry through it).
  const lock = await acquireDevLock(options.root, {
    kind: 'offline',
    ...(options.stateDir === undefined ? {} : {stateDir: options.stateDir}),
  })
  try {
    return await repairFiles(options)
  } finally {
    await lock.release()
  }
}

async function repairFiles(options: {
  pid: string
  root: string
  runId?: string
  stateDir?: string
}): Promise<RepairRunOutput> {
  const {resolveOfflineRun, summarizeOffline} = await import('./offline.js')
  const {damage, runKey} = await resolveOfflineRun(options.root, options.pid, options.stateDir, options.runId)
  if (!damage) {
    throw new WippyError(
      'WIPPY_RUN_NOT_DAMAGED',
      `The history of ${options.pid} (${runKey}) is not damaged; there is nothing to repair.`,
      {
        hint: 'List damaged runs with `wippy ps --status damaged`.',
        kind: 'usage',
      },
    )
  }
  const layout = stateLayout(options.root, options.stateDir)
  const {repairHistoryFile} = await import('../history/damage.js')
  const {events, ...result} = await repairHistoryFile(layout.histories, runKey)
  // The run index must not remember a length the repaired file no longer has.
  const {RunIndex} = await import('../history/run-index.js')
  const index = await RunIndex.open(layout.runIndex)
  index.forget(runKey)
  await index.flush()
  const summary = summarizeOffline(events, Date.now())
  return {...result, source: 'files', ...(summary ? {summary} : {})}
}
