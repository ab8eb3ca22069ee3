import {readFile, writeFile} from 'node:fs/promises'
import {dirname, join, relative, resolve} from 'node:path'

import {WippyError} from '../errors.js'
import {DEFAULT_TEMPLATE, TEMPLATES, findTemplatesDir, getTemplate} from './catalog.js'
import {type ScaffoldResult, scaffoldProject, validateProjectName} from './scaffold.js'
import {initWriteError} from './target-fs.js'
import {type WippySpec, projectPackageJson, wippySpecOf} from './wippy-spec.js'

/** Options of {@link initProject}; the command fills them from flags and the terminal. */
export interface InitOptions {
  /**
   * Called to choose a template when none was given; absent (no TTY, --json) means the
   * default template.
   */
  readonly chooseTemplate?: () => Promise<string>
  /** Base for a relative `dir` (the user's working directory). */
  readonly cwd: string
  /** The target directory as the user typed it. */
  readonly dir: string
  readonly force?: boolean
  /** Runs `npm install` in the new project (installs the wippy it depends on). */
  readonly install?: (dir: string) => Promise<void>
  /** `--template`; wins over `chooseTemplate`. */
  readonly template?: string
  /** Override of the `templates/` folder (tests); defaults to the package's own. */
  readonly templatesDir?: string
}

/** The result of `wippy init`: what was created and what to run next. */
export interface InitResult extends ScaffoldResult {
  /** Whether `npm install` ran in the project. */
  installed: boolean
  /** The next commands to run, in order, as the user should type them. */
  next: string[]
  /** The wippy the project's package.json depends on (`spec`), and where it came from. */
  wippy: WippySpec
}

/**
 * Creates a new Wippy project from a template (the service behind `wippy init`).
 * Bad input fails before anything is written: the name, the template, then the target.
 * The project gets a package.json with this wippy as a devDependency (see `wippy-spec.ts`).
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const target = resolve(options.cwd, options.dir)
  validateProjectName(target)
  const templatesDir = options.templatesDir ?? findTemplatesDir()
  let template = options.template
  if (template === undefined) template = options.chooseTemplate ? await options.chooseTemplate() : DEFAULT_TEMPLATE
  const info = getTemplate(template)

  const result = await scaffoldProject({force: options.force ?? false, target, template: info.name, templatesDir})
  const wippy = wippySpecOf(dirname(templatesDir))
  await writePackageJson(target, wippy)
  const files = [...new Set([...result.files, 'package.json'])].sort()
  if (options.install) await options.install(target)
  const rel = relative(options.cwd, target)
  const next = [
    ...(rel === '' ? [] : [`cd ${quoteIfNeeded(rel)}`]),
    ...(options.install ? [] : ['npm install']),
    'npx wippy dev',
    info.tryCommand,
  ]
  return {...result, files, installed: options.install !== undefined, next, wippy}
}

/** Writes (or, with --force over an existing one, updates) the project's package.json. */
async function writePackageJson(dir: string, wippy: WippySpec): Promise<void> {
  const file = join(dir, 'package.json')
  let existing: Record<string, unknown> | undefined
  try {
    existing = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new WippyError(
        'WIPPY_INIT_PACKAGE_JSON',
        `${file} exists but is not valid JSON, so wippy can't add itself to it.`,
        {
          hint: 'Fix or remove that package.json, then run `wippy init` again.',
        },
      )
    }
  }
  try {
    await writeFile(
      file,
      `${JSON.stringify(projectPackageJson(dir.split(/[/\\]/).at(-1) ?? 'app', wippy, existing), null, 2)}\n`,
    )
  } catch (error) {
    throw initWriteError(file, error)
  }
}

/** The human summary printed by `wippy init` (the JSON form is the result itself). */
export function renderInitSummary(result: InitResult, cwd: string, options: {showNext?: boolean} = {}): string {
  const shown = relative(cwd, result.dir) || '.'
  const lines = [`Created ${shown} from the "${result.template}" template:`]
  for (const file of result.files) lines.push(`  ${file}`)
  lines.push(
    '',
    `package.json depends on wippy ${result.wippy.spec}${result.wippy.source === 'registry' ? '' : ` (the ${result.wippy.source} this wippy runs from; the path is valid on this machine only)`}.`,
  )
  if (result.installed) lines.push('npm install done: `npx wippy …` in the project runs that wippy.')
  if (options.showNext !== false) {
    lines.push('', 'Next:')
    for (const cmd of result.next) lines.push(`  ${cmd}`)
    lines.push('', 'README.md in the project lists more commands to try.')
  }
  return lines.join('\n')
}

function quoteIfNeeded(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `"${path}"`
}

export {DEFAULT_TEMPLATE, TEMPLATES}
