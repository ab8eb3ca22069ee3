import {readdirSync, realpathSync, statSync} from 'node:fs'
import {isAbsolute, join, relative, sep} from 'node:path'

/**
 * Finds every `.yaml`/`.yml` file under a source directory, recursively, in a stable order.
 * Skips `node_modules` and dot-directories. A directory named `x.yaml` is a directory.
 * Symlinked directories are not followed (no loops, no escaping the project); symlinked files
 * are returned only when they resolve inside `realRoot`.
 */
export function findDefinitionFiles(
  dir: string,
  realRoot: string,
): {files: string[]; escaped: string[]; plainFiles: string[]} {
  const files: string[] = []
  const escaped: string[] = []
  // Regular files reached without crossing a symlink, under a source dir that is itself inside
  // the project: their real path is inside the project, so file:// needs no realpath for them.
  const plainFiles: string[] = []
  let realDir: string | undefined
  try {
    realDir = realpathSync.native(dir)
  } catch {
    realDir = undefined
  }
  const dirInside = realDir !== undefined && (realDir === realRoot || realDir.startsWith(realRoot + sep))
  const walk = (current: string): void => {
    let names
    try {
      names = readdirSync(current, {withFileTypes: true})
    } catch {
      return
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const d of names) {
      const full = join(current, d.name)
      if (d.isDirectory()) {
        if (d.name === 'node_modules' || d.name.startsWith('.')) continue
        walk(full)
      } else if (d.isFile() && dirInside) {
        plainFiles.push(full)
      }
      if (!d.isDirectory() && /\.ya?ml$/i.test(d.name)) {
        if (d.isFile()) {
          files.push(full)
        } else if (d.isSymbolicLink()) {
          try {
            const real = realpathSync(full)
            const rel = relative(realRoot, real)
            if (rel.startsWith('..') || isAbsolute(rel)) escaped.push(full)
            else if (statSync(real).isFile()) files.push(full)
          } catch {
            // A dangling link: nothing to load.
          }
        }
      }
    }
  }
  walk(dir)
  return {files, escaped, plainFiles}
}
