/**
 * The plain renderer of `wippy dev`: one line per engine event, no colours, no cursor moves.
 * It is what a non-TTY (CI, a pipe, the e2e tests) sees, and what `--no-tui` forces. Lines
 * start with a stable word so scripts can grep them:
 *
 *   reloaded +1 ~2 -0 in 14 ms (app.workflows:approval, ...)
 *   reload failed: src/app/_index.yaml:4: Can't parse the YAML: ... (hint: ...); keeping the last good registry
 *   reload: wf-3f2a diverges at event 5: expected X, got Y (approval.lua:12); restart it on the new code: wippy fork ...
 *   run started wf-3f2a app.workflows:approval {app:temporal_client@app:temporal_worker|wf-3f2a}
 *   step wf-3f2a #3 ActivityScheduled app.reviews:submit({...}) (approval.lua:11)
 *   signal wf-3f2a approve {"approved":true}
 *   run completed wf-3f2a {"status":"fulfilled"}
 *   run failed wf-3f2a: boom
 *   run blocked wf-3f2a: diverges at ...
 *   log info wf-3f2a: message
 */
import type {EngineEvent, EngineStatus, ProcessInfo} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {summarizeEvent} from '../history/summary.js'
import {formatReload} from '../output/reload.js'
import {shortId} from '../output/short-id.js'

/** A log line is never cut with `…` (a terminal wraps it; a file keeps it whole). */
const FULL = Number.POSITIVE_INFINITY

/** Where the lines go. */
export interface LineSink {
  write(text: string): unknown
}

/** Renders engine events as lines; keep one per dev session (it remembers run statuses). */
export class LineRenderer {
  /** Last status printed per pid, so a run's line appears once per status change. */
  readonly #statuses = new Map<string, string>()

  constructor(private readonly out: LineSink) {}

  /** Prints the banner of a started dev server. */
  banner(status: EngineStatus, info: {controlAddress: string; readyMs: number; watching: boolean}): void {
    const w = status.workflows
    this.#line(`wippy dev: ${status.root}`)
    this.#line(`  persistence: on (durable), state in ${status.persistence.dir}`)
    this.#line(`  control: ${info.controlAddress}`)
    this.#line(
      `  ${plural(status.entries, 'entry', 'entries')}, ${plural(status.processes, 'process', 'processes')}, ${plural(w.open, 'open workflow', 'open workflows')} (${plural(w.total, 'run', 'runs')}, ${w.blocked} blocked)`,
    )
    this.#line(`  watching: ${info.watching ? 'on' : 'off (--no-watch)'}`)
    this.#line(`ready in ${Math.round(info.readyMs)} ms`)
  }

  /** Renders one engine event (some events print nothing). */
  render(event: EngineEvent): void {
    switch (event.type) {
      case 'reload':
        for (const line of formatReload(event.report)) this.#line(line)
        return
      case 'run':
        this.#run(event.summary)
        return
      case 'history':
        this.#history(event.pid, event.event)
        return
      case 'log':
        this.#line(`log ${event.level}${event.pid ? ` ${shortId(event.pid)}` : ''}: ${event.message}`)
    }
  }

  /** A line about the server itself (stopping, a watcher error...). */
  note(text: string): void {
    this.#line(text)
  }

  #run(summary: ProcessInfo): void {
    const previous = this.#statuses.get(summary.pid)
    if (previous === summary.status) return
    this.#statuses.set(summary.pid, summary.status)
    const id = summary.id
    switch (summary.status) {
      case 'running':
        if (previous === undefined) this.#line(`run started ${id} ${summary.entry} ${summary.pid}`)
        else this.#line(`run resumed ${id}`)
        return
      case 'blocked':
        this.#line(`run blocked ${id}: ${summary.problem ?? 'unknown reason'}`)
        return
      case 'failed':
        this.#line(`run failed ${id}${summary.problem ? `: ${summary.problem}` : ''}`)
        return
      default:
        this.#line(`run ${summary.status} ${id}`)
    }
  }

  #history(pid: string, event: HistoryEvent): void {
    const id = shortId(pid)
    const where = 'where' in event && event.where ? ` (${event.where})` : ''
    switch (event.type) {
      case 'SignalReceived':
        this.#line(`signal ${id} ${summarizeEvent(event, FULL).slice('SignalReceived '.length)}`)
        return
      case 'WorkflowCompleted':
        this.#line(`run completed ${id} ${summarizeEvent(event, FULL).slice('WorkflowCompleted '.length)}`)
        this.#statuses.set(pid, 'completed')
        return
      case 'WorkflowFailed':
        this.#line(`run failed ${id}: ${summarizeEvent(event, FULL).slice('WorkflowFailed '.length)}`)
        this.#statuses.set(pid, 'failed')
        return
      case 'WorkflowStarted':
        // The history event comes before the run's status event: announce the run here.
        if (!this.#statuses.has(pid)) {
          this.#statuses.set(pid, 'running')
          this.#line(`run started ${id} ${event.entry} ${pid}`)
        }
        return
      default:
        this.#line(`step ${id} #${event.seq} ${summarizeEvent(event, FULL)}${where}`)
    }
  }

  #line(text: string): void {
    this.out.write(`${text}\n`)
  }
}

/** `1 process`, `2 processes`. */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}
