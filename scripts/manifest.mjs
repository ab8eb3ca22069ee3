#!/usr/bin/env node
// `oclif manifest`, made deterministic: oclif lists commands in the order their files finish
// loading, which varies with load (a busy machine reshuffled the tracked oclif.manifest.json
// during `npm test`). Commands are sorted by ID, so the same sources always give the same bytes.
// (Only the command list: inside a command, the order of `args` is the positional order.) Also silences oclif's own "update available" notice.
import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const oclif = join(repo, 'node_modules', 'oclif', 'bin', 'run.js')
const run = spawnSync(process.execPath, [oclif, 'manifest'], {
  cwd: repo,
  env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'},
  stdio: 'inherit',
})
if (run.status !== 0) process.exit(run.status ?? 1)

const file = join(repo, 'oclif.manifest.json')
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(
  Object.keys(manifest.commands)
    .sort()
    .map((id) => [id, manifest.commands[id]]),
)
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
