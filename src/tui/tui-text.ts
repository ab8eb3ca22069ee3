/**
 * The words the TUI shows for engine text. Engine messages are written for the CLI (full PIDs,
 * shell hints); here they are shortened to what fits a row and fits the UI:
 *
 * - a PID `{app:temporal_client@app:temporal_worker|wf-3f2a}` is shown as its workflow ID;
 * - a divergence reads "diverges at event 5 (approval.lua:12): expected …, got …", so the
 *   event and the file:line come first and survive a cut;
 * - an error's hint is chosen by its code for the UI ({@link TUI_HINTS}): no shell quoting,
 *   no `--by`, no "check with `wippy ps`" while the UI already shows it.
 */
import {formatReload} from '../output/reload.js'
import {shortId} from '../output/short-id.js'
import type {ReloadReport} from '../engine/api.js'

/** Every PID in `text` replaced by its workflow ID (`{client@worker|wf-3f2a}` → `wf-3f2a`). */
export function shortenPids(text: string): string {
  return text.replace(/\{[^{}|]*\|([^{}|]+)\}/g, '$1')
}

/**
 * A blocked run's reason, most useful part first: `diverges at event 5 (src/x.lua:12): expected A, got B`;
 * `short` (a list row): `#5 x.lua:12: expected A, got B`. Text in another shape is
 * returned with its PIDs shortened.
 */
export function compactProblem(problem: string, short = false): string {
  const text = shortenPids(problem).trim()
  const m = /^(?:Workflow \S+ )?diverges from its history at event (\d+): ([\s\S]*?)(?: \(([^()]+:\d+)\))?\.?$/.exec(
    text,
  )
  if (!m) return text
  const [, event, rest, where] = m
  if (short) return `#${event}${where ? ` ${where.split(/[\\/]/).at(-1) ?? where}` : ''}: ${rest}`
  return `diverges at event ${event}${where ? ` (${where})` : ''}: ${rest}`
}

/**
 * The TUI's lines for a reload: for a run left on its old code the fork command comes first,
 * so a cut line still shows it, and the divergence follows.
 */
export function reloadLines(report: ReloadReport): string[] {
  if (report.errors.length > 0) return formatReload(report).map(shortenPids)
  const [summary = '', ...rest] = formatReload({...report, workflows: []})
  const runs = report.workflows.map((w) => {
    const id = shortId(w.pid)
    if (w.compatible) return `reload: ${id} moved to the new code`
    const fork = w.forkCommand ? ` · restart it on the new code: ${w.forkCommand} (f on its row)` : ''
    return `reload: ${id} stays on its old code${fork} · ${shortenPids(w.divergence ?? 'diverges')}`
  })
  return [summary, ...rest, ...runs]
}

/**
 * UI hints by error code, replacing the CLI's hint. An empty string drops the hint (the UI
 * already shows what it would say); codes not listed keep theirs, PIDs shortened.
 */
export const TUI_HINTS: Readonly<Record<string, string>> = {
  WIPPY_FORK_AT_INVALID: 'Select an event of the timeline and press f.',
  WIPPY_JSON_INVALID: 'Type plain JSON: double quotes around keys and text, e.g. {"approved": true} or "text".',
  WIPPY_NO_TIMER: 'It waits on no timer; t only skips to a pending one.',
  WIPPY_NONDETERMINISM: 'Press r to see where, then f to fork it before the divergence.',
  WIPPY_PID_UNKNOWN: '',
  WIPPY_PROCESS_ERROR: '',
  WIPPY_WORKFLOW_CLOSED: '',
}

/** An error as one UI line: its message (PIDs shortened) and the UI's hint for its code. */
export function tuiErrorText(error: unknown): string {
  if (!(error instanceof Error)) return shortenPids(String(error))
  const {code, hint} = error as {code?: unknown; hint?: unknown}
  const uiHint = typeof code === 'string' && code in TUI_HINTS ? TUI_HINTS[code] : typeof hint === 'string' ? hint : ''
  return shortenPids([error.message, uiHint].filter(Boolean).join(' '))
}

/**
 * "Can't cancel wf-1: <message>", without saying it twice when the message already starts
 * with "Can't …" (the engine's "Can't cancel workflow wf-1: it has already failed.").
 */
export function failureText(what: string, error: unknown): string {
  const text = tuiErrorText(error)
  return /^Can't /.test(text) ? text : `Can't ${what}: ${text}`
}
