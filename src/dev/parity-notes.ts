/**
 * The dev server's log of Temporal-parity warnings (`WIPPY_PARITY_*`, see registry/parity.ts):
 * each is printed once per session, at start or on the reload that introduced it, and not again
 * on every reload of an unchanged entry. They never stop the server or block a reload.
 */
import type {Problem} from '../registry/index.js'
import {isParityProblem} from '../registry/parity.js'

export class ParityNotes {
  readonly #seen = new Set<string>()

  /** The lines for the parity warnings among `problems` not noted before in this session. */
  fresh(problems: readonly Problem[]): string[] {
    const lines: string[] = []
    for (const p of problems) {
      if (!isParityProblem(p)) continue
      // Keyed by entry and message, not position: an edit that moves the line is the same warning.
      const key = `${p.entryId ?? ''}|${p.code}|${p.message}`
      if (this.#seen.has(key)) continue
      this.#seen.add(key)
      lines.push(parityLine(p))
    }
    return lines
  }
}

/** `parity warning: src/app/_index.yaml:12:5: message [WIPPY_PARITY_X] (hint: ...)` */
export function parityLine(p: Problem): string {
  const where = p.file ? `${p.file}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`}: ` : ''
  return `parity warning: ${where}${p.message} [${p.code}]${p.hint ? ` (hint: ${p.hint})` : ''}`
}
