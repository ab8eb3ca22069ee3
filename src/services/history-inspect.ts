/**
 * `wippy history inspect` (and `export`, `replay` by PID): a run's history from the running
 * engine, or from its file; `--follow` streams it until the run closes.
 */
import type {HistoryRange, HistoryView} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {closedStatusOf} from '../history/run-view.js'
import {type ProjectOptions, type RunChoice, offline, stateDirOf, withClient} from './control.js'
import {connectControl} from '../control/client.js'

export async function inspectHistory(
  options: ProjectOptions & RunChoice & {pid: string; range?: HistoryRange},
): Promise<HistoryView> {
  // Load the file reader while finding out whether a dev server answers (no zod or store in it).
  const reader = offline()
  reader.catch(() => {})
  return withClient(options, async (client) => {
    const api = client ?? (await reader).offlineApi(options.root, options.stateDir)
    return api.history({
      pid: options.pid,
      ...(options.range === undefined ? {} : {range: options.range}),
      ...(options.runId === undefined ? {} : {runId: options.runId}),
    })
  })
}

/**
 * Follows a run's history: `onEvent` for each event from `from` on, resolving once the run
 * closes or `signal` aborts. Without a dev server it polls the file (so a server started later
 * is followed too).
 */
export async function followHistory(
  options: ProjectOptions &
    RunChoice & {
      from?: number
      onEvent: (e: HistoryEvent) => void
      pid: string
      pollMs?: number
      signal?: AbortSignal
    },
): Promise<{pid: string; status: string}> {
  const client = await connectControl(options.root, stateDirOf(options))
  if (client) {
    try {
      let closedAs: string | undefined
      const handle = await client.followHistory(
        options.pid,
        options.from,
        (e) => {
          closedAs = closedStatusOf(e) ?? closedAs
          options.onEvent(e)
        },
        options.runId,
      )
      options.signal?.addEventListener('abort', () => handle.stop(), {once: true})
      await handle.done
      return {pid: handle.pid, status: closedAs ?? handle.status}
    } finally {
      client.close()
    }
  }
  const files = (await offline()).offlineApi(options.root, options.stateDir)
  let next = options.from ?? 1
  for (;;) {
    const view = await files.history({
      pid: options.pid,
      range: {from: next},
      ...(options.runId === undefined ? {} : {runId: options.runId}),
    })
    for (const e of view.events) options.onEvent(e)
    next = (view.events.at(-1)?.seq ?? next - 1) + 1
    if (view.status !== 'running' || options.signal?.aborted) return {pid: view.pid, status: view.status}
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200))
  }
}
