/** Shared builders for the history tests: realistic events and temp dirs. */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {onTestFinished} from 'vitest'

/** A fresh temp dir, removed when the test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wippy-history-'))
  onTestFinished(() => rm(dir, {force: true, recursive: true}))
  return dir
}

export {started, step} from './fixtures/events.js'
