/** A run as `wippy ps` and the status stream show it. */
import {formatDurationMs} from '../../time/duration.js'
import {nextTimerAt} from './outstanding.js'
import type {RunStatus, WorkflowRun} from './run.js'

export interface RunSummary {
  closedAt?: number
  entry: string
  /** Bare workflow ID (what users type). */
  id: string
  kind: 'workflow'
  pid: string
  /** Why a blocked run is blocked. */
  problem?: string
  /** `<workflow id>~<run id>`: names this run when its workflow ID was reused (every command takes it). */
  runKey?: string
  startedAt: number
  status: RunStatus
  /** What the run waits for now: "sleeping 23h59m left", "waiting for a signal", "running app.api:charge". */
  waiting?: string
  loaded: boolean
}

export function summarizeRun(run: WorkflowRun): RunSummary {
  return {
    entry: run.identity.entry,
    id: run.identity.workflowId,
    kind: 'workflow',
    loaded: run.loaded,
    pid: run.identity.pid,
    runKey: run.identity.runKey,
    startedAt: run.startedAt,
    status: run.status,
    ...(run.closing ? {closedAt: run.closing.ts} : {}),
    ...(run.problem ? {problem: run.problem.message} : {}),
    ...(run.open && run.status !== 'blocked' ? {waiting: describeWait(run)} : {}),
  }
}

function describeWait(run: WorkflowRun): string {
  if (run.busy) return 'running'
  const out = run.outstanding
  const activities = [...out.activities.values()]
  if (activities.length > 0) return `running ${activities.map((a) => a.entry).join(', ')}`
  const at = nextTimerAt(out)
  if (at !== undefined) return `sleeping, ${formatDurationMs(Math.max(0, at - run.now()))} left`
  if (out.children.size > 0) return `waiting for ${out.children.size === 1 ? 'a child workflow' : `${out.children.size} child workflows`}`
  return 'waiting for a signal'
}
