#!/usr/bin/env node
// `npm test`'s vitest run. vitest's colours (tinyrainbow) switch on when CI or FORCE_COLOR is
// merely present in the environment, even FORCE_COLOR=0, so output piped to a file or a CI log
// came out full of ANSI codes. Here colour follows the terminal: on for a TTY, off for a pipe,
// unless FORCE_COLOR asks for it (1/2/3/true). NO_COLOR always wins. Arguments go to vitest.
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

const env = {...process.env}
const forced = env.FORCE_COLOR !== undefined && !['0', 'false', ''].includes(env.FORCE_COLOR)
if (env.NO_COLOR !== undefined || (!forced && !process.stdout.isTTY)) {
  delete env.FORCE_COLOR
  env.NO_COLOR = '1'
}
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
const run = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {env, stdio: 'inherit'})
process.exit(run.status ?? 1)
