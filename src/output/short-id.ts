/** How the dev renderers (plain lines and the TUI) name a run: its workflow ID. */

/** The workflow ID part of a PID (`{client@worker|wf-3f2a}` → `wf-3f2a`), else the text. */
export function shortId(pid: string): string {
  const m = /\|([^{}|]+)\}$/.exec(pid)
  return m ? m[1]! : pid
}
