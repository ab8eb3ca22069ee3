/**
 * What a person reads versus what a script keeps. People read and type the workflow ID
 * (`wf-3f2a…`); the full PID (`{client@worker|wf-3f2a…}`) is internal routing and only shows
 * in `--json` (as `pid`, next to `id`) and with `--verbose`.
 */
import {parsePid} from '../hosts/workflows/pid.js'

/** The workflow ID of a PID (`{app:c@app:w|wf-3f2a}` → `wf-3f2a`); other text as it is. */
export function idOf(pid: string): string {
  return parsePid(pid)?.uniq ?? pid
}

/**
 * `{id, pid}`: the pair every `--json` result that names a run carries, and `runId` when a
 * workflow run was acted on (a workflow ID may name several runs; see `--run-id`).
 */
export function runRef(pid: string, runId?: string): {id: string; pid: string; runId?: string} {
  return {id: idOf(pid), pid, ...(runId === undefined ? {} : {runId})}
}

/** How a run is named in human output: its ID, plus the PID with --verbose. */
export function shownRun(pid: string, verbose: boolean): string {
  const id = idOf(pid)
  return verbose && id !== pid ? `${id} (${pid})` : id
}

/** A PID inside text: its host is a registry ID (`ns:name`), which tells it from text like `{x|y}`. */
const PID_IN_TEXT = /\{(?:[^{}@|]+@)?[^{}|@:]+:[^{}|@]+\|([^{}|]+)\}/g

/** Replaces every PID inside a message with its workflow ID (the reason stays readable). */
export function shortenPids(text: string): string {
  return text.replace(PID_IN_TEXT, '$1')
}
