import {existsSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import {WippyError} from '../errors.js'

/** Files or folders whose presence marks a directory as a Wippy project root. */
export const PROJECT_MARKERS = ['wippy.lock', '.wippy.yaml', 'src'] as const

/**
 * Finds the project root: `explicit` if given (it must exist), otherwise the nearest
 * ancestor of `start` holding one of {@link PROJECT_MARKERS}.
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
    // A directory without any marker is not a project: refuse it rather than write state there.
    if (!PROJECT_MARKERS.some((m) => existsSync(join(root, m)))) {
      throw new WippyError('WIPPY_PROJECT_NOT_FOUND', `${root} is not a Wippy project (no wippy.lock, .wippy.yaml or src/).`, {
        hint: 'Pass --path with a project directory, or create one with `wippy init my-app`.',
      })
    }
    return root
  }
  let dir = resolve(start)
  for (;;) {
    if (PROJECT_MARKERS.some((m) => existsSync(join(dir, m)))) return dir
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new WippyError('WIPPY_PROJECT_NOT_FOUND', `No Wippy project found in ${resolve(start)} or its parents.`, {
    hint: 'Run the command inside a project (a folder with wippy.lock or src/), pass --path, or create one with `wippy init my-app`.',
  })
}
