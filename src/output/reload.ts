/**
 * The lines of a reload report, shared by the plain renderer (`dev/line-renderer.ts`) and the
 * TUI's feed: both say the same thing about a reload.
 */
import type {ReloadReport} from '../engine/api.js'
import {shortId} from './short-id.js'

/** The lines of a reload report. */
export function formatReload(report: ReloadReport): string[] {
  const ms = Math.round(report.ms)
  const errors = report.errors
  if (errors.length > 0) {
    return errors.map((e) => {
      const where = e.file ? `${e.file}${e.line === undefined ? '' : `:${e.line}`}: ` : ''
      return `reload failed: ${where}${e.message} [${e.code}]${e.hint ? ` (hint: ${e.hint})` : ''}; keeping the last good registry`
    })
  }
  const names = [...report.added, ...report.changed, ...report.removed]
  const list = names.length === 0 ? '' : ` (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''})`
  const lines = [
    `reloaded +${report.added.length} ~${report.changed.length} -${report.removed.length} in ${ms} ms${list}`,
  ]
  for (const w of report.workflows) {
    if (w.unblocked) lines.push(`reload: ${shortId(w.pid)} replays on the new code; unblocked`)
    else if (w.blocked)
      lines.push(
        `reload: ${shortId(w.pid)} stays blocked: ${w.divergence ?? 'diverges'}${w.forkCommand ? `; restart it on the new code: ${w.forkCommand}` : ''}`,
      )
    else if (w.compatible) lines.push(`reload: ${shortId(w.pid)} moved to the new code`)
    else
      lines.push(
        `reload: ${shortId(w.pid)} ${w.divergence ?? 'diverges'}; stays on its old code${w.forkCommand ? `; restart it on the new code: ${w.forkCommand}` : ''}`,
      )
  }
  return lines
}
