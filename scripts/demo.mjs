#!/usr/bin/env node
// `npm run demo`: scaffolds the default template (orders) into ./demo (git-ignored) the first
// time, then runs `wippy dev` on it. Everything after `--` goes to `wippy dev` (e.g. --no-tui).
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(repo, 'bin', 'run.js')
const dir = join(repo, 'demo')
const run = (args) => spawnSync(process.execPath, [bin, ...args], {cwd: repo, stdio: 'inherit'}).status ?? 1

if (!existsSync(join(repo, 'dist', 'commands'))) {
  console.error('demo: build first (`npm run build`), or use `npm ci && npm run demo`, which builds.')
  process.exit(1)
}
if (!existsSync(join(dir, 'wippy.lock'))) {
  const status = run(['init', dir, '--template', 'orders'])
  if (status !== 0) process.exit(status)
}
console.error(`demo: wippy dev in ${dir} (try the commands in demo/README.md from a second terminal)`)
process.exit(run(['dev', '--path', dir, ...process.argv.slice(2)]))
