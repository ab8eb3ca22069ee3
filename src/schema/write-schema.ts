import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {WippyError} from '../errors.js'
import {registrySchemaText} from './registry-schema.js'

/** What `wippy schema --output` did. */
export interface WriteSchemaResult {
  /** Absolute path written. */
  file: string
  /** False when the file already held this exact schema. */
  changed: boolean
}

/**
 * Writes the registry schema to `file` (absolute), creating its folder; leaves an up-to-date
 * file untouched so editors and git see no change.
 *
 * @throws WippyError WIPPY_SCHEMA_WRITE when the file can't be written.
 */
export async function writeSchemaFile(file: string): Promise<WriteSchemaResult> {
  const text = registrySchemaText()
  const current = await readFile(file, 'utf8').catch(() => undefined)
  if (current === text) return {file, changed: false}
  try {
    await mkdir(dirname(file), {recursive: true})
    await writeFile(file, text)
  } catch (error) {
    throw new WippyError('WIPPY_SCHEMA_WRITE', `Can't write the schema to ${file}: ${(error as Error).message}.`, {
      cause: error,
      hint: 'Choose a path in a folder you can write to, e.g. --output schema/registry.schema.json.',
    })
  }
  return {file, changed: true}
}
