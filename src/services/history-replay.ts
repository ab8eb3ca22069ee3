/**
 * `wippy history replay`: replays a run (by PID) or a history file against the project's
 * current code on a scratch engine, without running anything.
 */
import type {ReplayCheckResult} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {type ProjectOptions, type RunChoice, offline} from './control.js'
import {inspectHistory} from './history-inspect.js'
import {withScratchEngine} from './scratch-engine.js'

export async function replayHistory(
  options: ProjectOptions & RunChoice & {file?: string; pid?: string},
): Promise<ReplayCheckResult> {
  let events: HistoryEvent[]
  let pid: string
  if (options.file) {
    events = await (await offline()).readHistoryFile(options.file)
    const started = events[0]
    pid = started?.type === 'WorkflowStarted' ? started.pid : options.file
  } else {
    const view = await inspectHistory({...options, pid: options.pid!})
    events = view.events
    pid = view.pid
  }
  return withScratchEngine(options, (engine) => engine.checkEvents(events, pid))
}
