/**
 * A short, seeded run of the crash torture (`npm run torture` runs the long one): the real
 * `wippy dev` SIGKILLed at random instants while workflows run and signals are sent over
 * the control channel; the script checks the histories and exits 0 only when nothing
 * acknowledged was lost, nothing was recorded twice and every accepted signal arrived.
 * Then its full-disk phase and one round of its concurrent-offline-writers phase.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {execa} from 'execa'
import {expect, test} from 'vitest'

const REPO = join(import.meta.dirname, '../..')

test('torture: 8 kills over 40 workflows (seed 11)', {timeout: 180_000}, async () => {
  expect(existsSync(join(REPO, 'dist/engine/engine.js')), 'run `npm run build` first').toBe(true)
  const result = await execa(
    'node',
    [
      join(REPO, 'scripts/torture.mjs'),
      '--kills',
      '8',
      '--workflows',
      '40',
      '--seed',
      '11',
      '--window',
      '20',
      '--disk-cycles',
      '2',
      '--offline-rounds',
      '1',
    ],
    {reject: false},
  )
  expect(result.stdout).toContain('acknowledged events lost: 0')
  expect(result.stdout).toContain('results recorded twice: 0')
  expect(result.stdout).toContain('signals accepted but never delivered: 0')
  expect(result.stdout).toContain('workflows completed: 40 of 40 started')
  expect(result.stdout).toMatch(/^kills: [1-8] in /m)
  // Executions are counted from a log that survives SIGKILL: every recorded attempt ran.
  expect(result.stdout).toMatch(
    /^activity executions: \d+ for \d+ recorded results \(at-least-once surplus \d+; results with fewer executions than attempts 0\)$/m,
  )
  // The full-disk phase: refusals happened, and none lost or misreported anything (or it says why it was skipped)
  expect(result.stdout).toMatch(
    /^disk full: (skipped \(.+\)|\d+ signals acknowledged, [1-9]\d* refused in [\d.]+ s; acknowledged lost 0, refused but recorded 0, refused without the disk as reason 0, refused after space was back 0, wrong results 0)$/m,
  )
  // Offline writers racing dev starts and SIGKILLs: some queued, nothing lost, doubled, misfiled or damaged
  expect(result.stdout).toMatch(
    /^offline writers: [1-9]\d* signals queued, \d+ delivered, \d+ refused, \d+ of unknown outcome \(\d+ recorded\) over [2-9] dev starts \(\d+ killed before ready\) in [\d.]+ s; acknowledged lost 0, recorded twice 0, refused but recorded 0, recorded in another run 0, seen wrongly by the code 0, damaged histories 0, unexpected errors 0, failed dev starts 0$/m,
  )
  expect(result.exitCode, result.stdout + result.stderr).toBe(0)
})
