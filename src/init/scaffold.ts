import {copyFile, mkdir, readdir, stat} from 'node:fs/promises'
import {basename, join, relative, resolve, sep} from 'node:path'

import {WippyError} from '../errors.js'
import {templateDir} from './catalog.js'
import {writeEditorFiles} from './editor-files.js'
import {assertWritableLocation, initWriteError} from './target-fs.js'

/** What to scaffold and where. */
export interface ScaffoldOptions {
  /** Overwrite template files in a non-empty directory (other files are kept). */
  readonly force?: boolean
  /** The target directory, absolute. */
  readonly target: string
  /** The template name (see `TEMPLATES`). */
  readonly template: string
  /** The `templates/` folder to copy from. */
  readonly templatesDir: string
  /** The `editor/luals/` folder the stubs and .luarc.json come from (see `editor-files.ts`). */
  readonly editorDir?: string
}

/** What was created. */
export interface ScaffoldResult {
  /** The target directory, absolute. */
  dir: string
  /** Files written, relative to `dir`, with `/` separators, sorted. */
  files: string[]
  template: string
}

/**
 * Files stored under another name in `templates/`: npm never packs a file named
 * `.gitignore`, so templates keep it as `_gitignore` and it is renamed on copy.
 */
const RENAMES: Readonly<Record<string, string>> = {_gitignore: '.gitignore'}

/** Entries that do not make a directory "non-empty" (a fresh `git init`, Finder litter). */
const IGNORABLE = new Set(['.git', '.DS_Store', 'Thumbs.db'])

const VALID_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * Checks that the target's folder name is usable as a project name: letters, digits,
 * `.`, `_` and `-`, starting with a letter or digit.
 *
 * @throws WippyError WIPPY_INIT_INVALID_DIR
 */
export function validateProjectName(target: string): void {
  const name = basename(resolve(target))
  if (!VALID_NAME.test(name)) {
    throw new WippyError('WIPPY_INIT_INVALID_DIR', `"${name}" is not a valid project directory name.`, {
      hint: 'Use letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. `wippy init my-app`.',
      kind: 'usage',
    })
  }
}

/**
 * Copies a template into `target`, creating it if needed, then writes the editor support
 * (LuaLS stubs, .luarc.json, the registry schema) made from this wippy.
 *
 * @throws WippyError WIPPY_INIT_INVALID_DIR, WIPPY_INIT_NOT_A_DIRECTORY, WIPPY_INIT_BAD_LOCATION,
 *   WIPPY_INIT_CANT_WRITE, WIPPY_INIT_NOT_EMPTY (without `force`), WIPPY_TEMPLATE_UNKNOWN
 */
export async function scaffoldProject(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const target = resolve(options.target)
  validateProjectName(target)
  const source = templateDir(options.templatesDir, options.template)
  assertWritableLocation(target)
  await assertUsableTarget(target, options.force === true)

  const files: string[] = []
  for (const rel of await listFiles(source)) {
    const parts = rel.split('/')
    const last = parts.at(-1) ?? ''
    parts[parts.length - 1] = RENAMES[last] ?? last
    const out = join(target, ...parts)
    try {
      await mkdir(join(out, '..'), {recursive: true})
      await copyFile(join(source, ...rel.split('/')), out)
    } catch (error) {
      throw initWriteError(out, error)
    }
    files.push(parts.join('/'))
  }
  files.push(...(await writeEditorFiles(target, options.editorDir)))
  files.sort()
  return {dir: target, files, template: options.template}
}

async function assertUsableTarget(target: string, force: boolean): Promise<void> {
  let info
  try {
    info = await stat(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return // does not exist yet: it is created on copy
    throw initWriteError(target, error)
  }
  if (!info.isDirectory()) {
    throw new WippyError('WIPPY_INIT_NOT_A_DIRECTORY', `${target} exists and is not a directory.`, {
      hint: 'Choose another name for the project directory.',
    })
  }
  const present = (await readdir(target)).filter((name) => !IGNORABLE.has(name))
  if (present.length > 0 && !force) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? `, … (${present.length} entries)` : '')
    throw new WippyError('WIPPY_INIT_NOT_EMPTY', `The directory ${target} is not empty (it holds ${shown}).`, {
      details: {dir: target, entries: present},
      hint: 'Choose a new directory, or pass --force to write the template files into it (files with the same names are overwritten).',
    })
  }
}

/** Every file under `root`, relative with `/` separators. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, {withFileTypes: true})) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'))
    }
  }
  await walk(root)
  return out.sort()
}
