#!/usr/bin/env node
// `npm run demo`: builds wippy when dist/ is older than the sources, scaffolds the default
// template (orders) into ./demo (git-ignored) the first time, then runs `wippy dev` on it.
// Everything after `--` goes to `wippy dev` (e.g. --no-tui).
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(repo, 'bin', 'run.js')
// WIPPY_DEMO_DIR moves the demo project elsewhere (the test uses a temp dir).
const dir = process.env.WIPPY_DEMO_DIR || join(repo, 'demo')
const run = (args) => spawnSync(process.execPath, [bin, ...args], {cwd: repo, stdio: 'inherit'}).status ?? 1

/** The newest mtime of any file under `path` (0 when it is missing). */
function newest(path) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
}

// The build writes the manifest last, so it is the build's timestamp.
const built = existsSync(join(repo, 'dist', 'commands')) ? newest(join(repo, 'oclif.manifest.json')) : 0
if (built < Math.max(newest(join(repo, 'src')), newest(join(repo, 'package.json')))) {
  console.error(
    built === 0 ? 'demo: building wippy (first run)…' : 'demo: sources changed since the last build; rebuilding…',
  )
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const status = spawnSync(npm, ['run', 'build', '--silent'], {cwd: repo, stdio: 'inherit'}).status ?? 1
  if (status !== 0) process.exit(status)
}
if (!existsSync(join(dir, 'wippy.lock'))) {
  // --install: demo/package.json links this checkout, so `npx wippy …` from demo/README.md works in demo/.
  // --no-next-steps: the demo starts `wippy dev` itself, so "Next: cd demo / npx wippy dev" would mislead.
  const status = run(['init', dir, '--template', 'orders', '--install', '--no-next-steps'])
  if (status !== 0) process.exit(status)
}
console.error(
  `demo: wippy dev in ${dir} (try the commands in demo/README.md from a second terminal, e.g. node bin/run.js ps --path demo)`,
)
process.exit(run(['dev', '--path', dir, ...process.argv.slice(2)]))
