import {existsSync, readdirSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import {WippyError} from '../errors.js'

/** Files or folders whose presence marks a directory as a Wippy project root. */
export const PROJECT_MARKERS = ['wippy.lock', '.wippy.yaml', 'src'] as const

/**
 * Whether `dir` is a Wippy project: it holds wippy.lock or .wippy.yaml, or a `src/` with at
 * least one registry YAML file in it. A bare `src/` is not enough: most code repositories have
 * one (wippy's own does), and treating them as projects made `wippy dev` create `.wippy/` there
 * and `wippy lint` report "No problems found" for an empty registry.
 */
export function isProjectDir(dir: string): boolean {
  if (existsSync(join(dir, 'wippy.lock')) || existsSync(join(dir, '.wippy.yaml'))) return true
  return hasRegistryYaml(join(dir, 'src'))
}

/** A `.yaml`/`.yml` file under `dir` (skipping node_modules and dot-folders, as the loader does). */
function hasRegistryYaml(dir: string, depth = 0): boolean {
  if (depth > 8) return false
  let names
  try {
    names = readdirSync(dir, {withFileTypes: true})
  } catch {
    return false
  }
  if (names.some((d) => d.isFile() && /\.ya?ml$/i.test(d.name))) return true
  return names.some(
    (d) =>
      d.isDirectory() &&
      d.name !== 'node_modules' &&
      !d.name.startsWith('.') &&
      hasRegistryYaml(join(dir, d.name), depth + 1),
  )
}

/** The nearest folder from `start` up with a `src/` but no registry in it (for the hint). */
function bareSrcDir(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'src'))) return dir
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * Finds the project root: `explicit` if given (it must be a project), otherwise the nearest
 * ancestor of `start` that {@link isProjectDir}.
 *
 * @throws WippyError WIPPY_PROJECT_NOT_FOUND when neither yields a project.
 */
export function findProjectRoot(start: string, explicit?: string): string {
  if (explicit) {
    const root = resolve(start, explicit)
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new WippyError('WIPPY_PROJECT_NOT_FOUND', `Can't find the project directory ${root}.`, {
        hint: 'Pass --path with an existing project directory, or unset WIPPY_PATH.',
      })
    }
    // A directory without a registry is not a project: refuse it rather than write state there.
    if (!isProjectDir(root)) {
      const bare = existsSync(join(root, 'src'))
      throw new WippyError(
        'WIPPY_PROJECT_NOT_FOUND',
        `${root} is not a Wippy project (${bare ? 'its src/ holds no _index.yaml, and there is no wippy.lock' : 'no wippy.lock, .wippy.yaml or src/'}).`,
        {
          hint: bare
            ? 'Add src/_index.yaml (or a wippy.lock), or create a project with `wippy init my-app`.'
            : 'Pass --path with a project directory, or create one with `wippy init my-app`.',
        },
      )
    }
    return root
  }
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isProjectDir(dir)) return dir
    if (dirname(dir) === dir) break
  }
  const bare = bareSrcDir(start)
  throw new WippyError(
    'WIPPY_PROJECT_NOT_FOUND',
    `No Wippy project found in ${resolve(start)} or its parents${bare ? ` (${bare} has a src/ folder, but no _index.yaml in it and no wippy.lock)` : ''}.`,
    {
      hint: bare
        ? `If ${bare} is meant to be a Wippy project, add src/_index.yaml (or a wippy.lock); otherwise run the command inside a project, pass --path, or create one with \`wippy init my-app\`.`
        : 'Run the command inside a project (a folder with wippy.lock or src/_index.yaml), pass --path, or create one with `wippy init my-app`.',
    },
  )
}
