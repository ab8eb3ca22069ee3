import {createHash} from 'node:crypto'

import type {CheckedEntry} from './cross-check.js'
import type {RunKind} from './kinds.js'
import type {Problem} from './types.js'

/**
 * Validates run-kind entries against their zod schemas. Entries whose (kind, data) hash
 * passed before (from the parse cache) are accepted without loading zod, which keeps a lint
 * of an unchanged project fast.
 */

export interface PendingEntry extends CheckedEntry {
  kind: RunKind
}

export interface ValidationResult {
  valid: CheckedEntry[]
  problems: Problem[]
  /** Hashes of every entry that passed (to remember in the cache). */
  okHashes: string[]
}

export async function validateEntries(
  pending: readonly PendingEntry[],
  knownOk: readonly string[],
): Promise<ValidationResult> {
  const ok = new Set(knownOk)
  const valid: CheckedEntry[] = []
  const problems: Problem[] = []
  const okHashes: string[] = []
  const unknown: Array<{item: PendingEntry; hash: string}> = []
  for (const item of pending) {
    // The schemas only check that `source` is a string, so its (long) text is left out of the hash.
    const {source, ...rest} = item.entry.data
    const hash = createHash('sha1')
      .update(`${item.kind}\0${typeof source}\0${JSON.stringify(rest)}`)
      .digest('base64url')
    if (ok.has(hash)) {
      valid.push(item)
      okHashes.push(hash)
    } else {
      unknown.push({item, hash})
    }
  }
  if (unknown.length === 0) return {valid, problems, okHashes}

  const {kindSchemas} = await import('./schemas.js')
  for (const {item, hash} of unknown) {
    const {entry, locate, kind} = item
    const result = kindSchemas[kind].safeParse(entry.data, {reportInput: true})
    if (result.success) {
      valid.push(item)
      okHashes.push(hash)
      continue
    }
    for (const issue of result.error.issues) {
      const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol')
      const field = path.join('.') || 'data'
      const pos = locate('data', path)
      problems.push({
        severity: 'error',
        code: 'WIPPY_ENTRY_INVALID',
        message: `Entry ${entry.id} (${kind}): field \`${field}\` ${describeIssue(issue)}.`,
        hint: `Fix \`${field}\` of ${entry.id}; see the ${kind} fields in the Wippy docs.`,
        file: entry.file,
        line: pos.line,
        column: pos.column,
        entryId: entry.id,
      })
    }
  }
  return {valid, problems, okHashes}
}

function describeIssue(issue: {code: string; message: string; input?: unknown}): string {
  // zod's default "Invalid input: expected string, received undefined" reads as "is required".
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return /required/.test(issue.message) ? issue.message : 'is required'
  return issue.message.replace(/^Invalid input: /, 'is invalid: ')
}
