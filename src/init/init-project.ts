import {relative, resolve} from 'node:path'

import {DEFAULT_TEMPLATE, TEMPLATES, findTemplatesDir, getTemplate} from './catalog.js'
import {type ScaffoldResult, scaffoldProject, validateProjectName} from './scaffold.js'

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
  /** `--template`; wins over `chooseTemplate`. */
  readonly template?: string
  /** Override of the `templates/` folder (tests); defaults to the package's own. */
  readonly templatesDir?: string
}

/** The result of `wippy init`: what was created and what to run next. */
export interface InitResult extends ScaffoldResult {
  /** The next commands to run, in order, as the user should type them. */
  next: string[]
}

/**
 * Creates a new Wippy project from a template (the service behind `wippy init`).
 * Bad input fails before anything is written: the name, the template, then the target.
 */
export async function initProject(options: InitOptions): Promise<InitResult> {
  const target = resolve(options.cwd, options.dir)
  validateProjectName(target)
  const templatesDir = options.templatesDir ?? findTemplatesDir()
  let template = options.template
  if (template === undefined) template = options.chooseTemplate ? await options.chooseTemplate() : DEFAULT_TEMPLATE
  const info = getTemplate(template)

  const result = await scaffoldProject({force: options.force ?? false, target, template: info.name, templatesDir})
  const rel = relative(options.cwd, target)
  const next = [...(rel === '' ? [] : [`cd ${quoteIfNeeded(rel)}`]), 'npx wippy dev', info.tryCommand]
  return {...result, next}
}

/** The human summary printed by `wippy init` (the JSON form is the result itself). */
export function renderInitSummary(result: InitResult, cwd: string): string {
  const shown = relative(cwd, result.dir) || '.'
  const lines = [`Created ${shown} from the "${result.template}" template:`]
  for (const file of result.files) lines.push(`  ${file}`)
  lines.push('', 'Next:')
  for (const cmd of result.next) lines.push(`  ${cmd}`)
  lines.push('', 'README.md in the project lists more commands to try.')
  return lines.join('\n')
}

function quoteIfNeeded(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `"${path}"`
}

export {DEFAULT_TEMPLATE, TEMPLATES}
