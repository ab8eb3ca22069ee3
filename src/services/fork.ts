/** `wippy fork`: a new run from a run's history up to an event, on the running engine. */
import type {SpawnResult} from '../engine/api.js'
import {type ProjectOptions, type RunChoice, withRequiredClient} from './control.js'

/** What `wippy fork` returns: the new run, and which run it was forked from at which event. */
export interface ForkOutput extends SpawnResult {
  at: number
  forkedFrom: string
  /** The run ID of the source run (its workflow ID may name several runs). */
  forkedFromRunId?: string
}

export async function forkRun(
  options: ProjectOptions & RunChoice & {at: number; id?: string; pid: string},
): Promise<ForkOutput> {
  return withRequiredClient(options, async (client) => {
    // Resolve the prefix first, so the result can name the source run (the fork reply does not).
    const view = await client.history({
      pid: options.pid,
      range: {limit: 1},
      ...(options.runId === undefined ? {} : {runId: options.runId}),
    })
    const source = view.pid
    // Its run ID pins the same run again: the source's PID names every run of its workflow ID.
    const runId = view.runId ?? options.runId
    const forked = await client.fork({
      at: options.at,
      pid: source,
      ...(runId === undefined ? {} : {runId}),
      ...(options.id === undefined ? {} : {id: options.id}),
    })
    return {...forked, at: options.at, forkedFrom: source, ...(view.runId ? {forkedFromRunId: view.runId} : {})}
  })
}
