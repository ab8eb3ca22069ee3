import {dirname, posix, relative, sep} from 'node:path'

/**
 * The `# yaml-language-server: $schema=...` first line that points an editor at the registry
 * schema. The path is relative to the YAML file, so a project keeps working wherever it is
 * cloned and needs no network.
 */

/** Where a project (and each template) keeps the schema, relative to its root. */
export const PROJECT_SCHEMA_FILE = 'schema/registry.schema.json'

const MODELINE = /^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$/

/** The modeline for `yamlFile` pointing at `schemaFile` (both absolute). */
export function schemaModeline(yamlFile: string, schemaFile: string): string {
  const rel = relative(dirname(yamlFile), schemaFile).split(sep).join(posix.sep)
  return `# yaml-language-server: $schema=${rel}`
}

/** The schema path named by the first line of a YAML text, if it has a modeline. */
export function readModeline(text: string): string | undefined {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
  return MODELINE.exec(first)?.[1]
}
