import {existsSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {WippyError} from '../errors.js'

/** One project template shipped under `templates/<name>/`. */
export interface TemplateInfo {
  /** One line for the picker and `--help`. */
  readonly description: string
  /** The folder name under `templates/`, and the `--template` value. */
  readonly name: string
  /** The third "next step" command printed after init (after `cd` and `npx wippy dev`). */
  readonly tryCommand: string
}

/**
 * The templates wippy ships, default first. The list lives in code (not discovered from
 * disk) so the picker order, the default and the suggested first command are explicit;
 * a test checks that every entry has its folder.
 */
export const TEMPLATES: readonly TemplateInfo[] = [
  {
    description:
      'Order processing: saga with compensation, 24h payment timer, approval signal, child workflows, a supervised service',
    name: 'orders',
    tryCommand: `npx wippy spawn app.workflows:order_saga '{"id":"A-1","amount":120}'`,
  },
  {
    description: 'A minimal signal-driven workflow that waits for an approval',
    name: 'approval',
    tryCommand: `npx wippy spawn app.workflows:approval '{"order_id":"A-1","amount":120}'`,
  },
  {
    description: 'A supervised background process with a restart policy',
    name: 'service',
    tryCommand: 'npx wippy ps',
  },
]

export const DEFAULT_TEMPLATE = 'orders'

export function templateNames(): string[] {
  return TEMPLATES.map((t) => t.name)
}

/**
 * Looks a template up by name.
 *
 * @throws WippyError WIPPY_TEMPLATE_UNKNOWN listing the valid names.
 */
export function getTemplate(name: string): TemplateInfo {
  const found = TEMPLATES.find((t) => t.name === name)
  if (found) return found
  const valid = templateNames().join(', ')
  throw new WippyError('WIPPY_TEMPLATE_UNKNOWN', `There is no template named "${name}". Valid templates: ${valid}.`, {
    details: {template: name, valid: templateNames()},
    hint: `Pass one of: ${templateNames()
      .map((n) => `--template ${n}`)
      .join(', ')}.`,
    kind: 'usage',
  })
}

/**
 * Finds the `templates/` folder of the installed wippy package. Compiled code sits in
 * `dist/init/` and sources in `src/init/`, so the package root is two levels up from this
 * module either way.
 *
 * @throws WippyError WIPPY_TEMPLATES_MISSING (a bug: a broken install or package).
 */
export function findTemplatesDir(moduleUrl: string = import.meta.url): string {
  const here = dirname(fileURLToPath(moduleUrl))
  const dir = resolve(here, '..', '..', 'templates')
  if (existsSync(dir) && statSync(dir).isDirectory()) return dir
  throw new WippyError('WIPPY_TEMPLATES_MISSING', `Can't find the project templates at ${dir}.`, {
    hint: 'The wippy installation looks incomplete. Reinstall it (npm install wippy), or rebuild it from a checkout.',
    kind: 'bug',
  })
}

/** The folder of one template, checked to exist. */
export function templateDir(templatesDir: string, name: string): string {
  const dir = join(templatesDir, getTemplate(name).name)
  if (!existsSync(dir)) {
    throw new WippyError('WIPPY_TEMPLATES_MISSING', `The template "${name}" has no folder at ${dir}.`, {
      hint: 'The wippy installation looks incomplete. Reinstall it.',
      kind: 'bug',
    })
  }
  return dir
}
