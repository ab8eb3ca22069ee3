// Copies non-TypeScript runtime assets (Lua preludes and modules) next to the compiled JS.
import {cpSync, existsSync, readdirSync, statSync, mkdirSync} from 'node:fs'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const exts = ['.lua', '.json']

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (exts.some((e) => name.endsWith(e))) {
      const out = join(root, 'dist', p.slice(join(root, 'src').length + 1))
      mkdirSync(dirname(out), {recursive: true})
      cpSync(p, out)
    }
  }
}
if (existsSync(join(root, 'src'))) walk(join(root, 'src'))
