import {readdir} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The repository root (two levels above test/schema/). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Every registry YAML file under a template's `src/`, absolute, sorted. */
export async function templateYamlFiles(template: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, {withFileTypes: true})) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (/\.ya?ml$/.test(entry.name)) out.push(full)
    }
  }
  await walk(join(REPO, 'templates', template, 'src'))
  return out.sort()
}
