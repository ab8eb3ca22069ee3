/**
 * How runs map to history files: `<run key>.jsonl` in the histories directory. Kept apart
 * from the store (which loads zod for its write path) so read-only users stay light.
 */
import {readdir} from 'node:fs/promises'
import {join} from 'node:path'

export const HISTORY_EXT = '.jsonl'
/** Run keys become file names: a conservative, portable alphabet. */
export const RUN_KEY = /^[A-Za-z0-9][A-Za-z0-9._@+=~-]{0,199}$/

/** The history file of a run. */
export function historyFileOf(dir: string, runKey: string): string {
  return join(dir, runKey + HISTORY_EXT)
}

/** The run keys that have a history in `dir`, sorted ([] when the directory does not exist). */
export async function listRunKeys(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return names
    .filter((name) => name.endsWith(HISTORY_EXT) && RUN_KEY.test(name.slice(0, -HISTORY_EXT.length)))
    .map((name) => name.slice(0, -HISTORY_EXT.length))
    .sort()
}
