import {execa} from 'execa'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {REPO} from '../helpers/dev-server.js'

/**
 * `npm test` runs vitest through scripts/test.mjs so its output follows the terminal: vitest's
 * colour library turns colour on whenever CI or FORCE_COLOR is set, even FORCE_COLOR=0, and a
 * piped `npm test > log` came out full of escape codes.
 */
describe('npm test output', () => {
  it.each([{CI: '1'}, {FORCE_COLOR: '0'}, {}])(
    'has no ANSI codes when piped (env %j)',
    async (extra) => {
      const run = await execa(
        process.execPath,
        [join(REPO, 'scripts', 'test.mjs'), 'test/init/prompt.test.ts', '--reporter=default'],
        {
          cwd: REPO,
          env: {...extra, NO_COLOR: undefined},
          extendEnv: true,
          reject: false,
        },
      )
      expect(run.exitCode, String(run.stderr)).toBe(0)
      const out = String(run.stdout) + String(run.stderr)
      expect(out).toMatch(/Tests +\d+ passed/)
      expect(out).not.toContain('\u001B[')
    },
    60_000,
  )
})
