/**
 * The editor support `wippy init` writes into a new project: the LuaLS stubs
 * (`editor/luals/wippy/*.lua` to `types/wippy/`), `editor/luals/.luarc.json`, and the registry
 * JSON Schema as `wippy schema` prints it. They are made from this wippy at init rather than
 * committed as copies in every template, so they cannot drift from it.
 */
import {existsSync} from 'node:fs'
import {copyFile, mkdir, readdir, writeFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {WippyError} from '../errors.js'
import {PROJECT_SCHEMA_FILE, registrySchemaText} from '../schema/index.js'
import {initWriteError} from './target-fs.js'

/** Where a project keeps the LuaLS stubs (`.luarc.json`'s `workspace.library`). */
export const STUBS_DIR = 'types/wippy'

/**
 * The `editor/luals/` folder of the installed wippy package: like `templates/`, two levels up
 * from this module in `dist/init/` and in `src/init/`.
 *
 * @throws WippyError WIPPY_TEMPLATES_MISSING (a broken install or package).
 */
export function findEditorDir(moduleUrl: string = import.meta.url): string {
  const dir = resolve(dirname(fileURLToPath(moduleUrl)), '..', '..', 'editor', 'luals')
  if (existsSync(join(dir, '.luarc.json'))) return dir
  throw new WippyError('WIPPY_TEMPLATES_MISSING', `Can't find the editor support files at ${dir}.`, {
    hint: 'The wippy installation looks incomplete. Reinstall it (npm install wippy), or rebuild it from a checkout.',
    kind: 'bug',
  })
}

/** Writes the stubs, `.luarc.json` and the schema into `target`; returns the files, relative. */
export async function writeEditorFiles(target: string, editorDir: string = findEditorDir()): Promise<string[]> {
  const stubs = (await readdir(join(editorDir, 'wippy'))).filter((name) => name.endsWith('.lua')).sort()
  const copies: [from: string, to: string][] = [
    [join(editorDir, '.luarc.json'), '.luarc.json'],
    ...stubs.map((name): [string, string] => [join(editorDir, 'wippy', name), `${STUBS_DIR}/${name}`]),
  ]
  for (const [from, to] of copies) await write(join(target, to), (out) => copyFile(from, out))
  await write(join(target, PROJECT_SCHEMA_FILE), (out) => writeFile(out, registrySchemaText()))
  return [...copies.map(([, to]) => to), PROJECT_SCHEMA_FILE]
}

async function write(out: string, put: (out: string) => Promise<void>): Promise<void> {
  try {
    await mkdir(dirname(out), {recursive: true})
    await put(out)
  } catch (error) {
    throw initWriteError(out, error)
  }
}
