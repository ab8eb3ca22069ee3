/**
 * Fuzz: CLI arguments, JSON payloads and signal topics through the real built CLI against a
 * running `wippy dev --no-tui` (unknown pids, malformed JSON, huge and binary payloads,
 * reserved `@` topics, bad flags) → exit code 1 or 2, stderr has `Error WIPPY_...` and a
 * `Hint:`, no stack trace, and the server still answers `wippy ps` afterwards.
 *
 * Each case starts a CLI process (~0.3 s), so this family runs FUZZ_RUNS / 10 cases
 * (100 under `npm run fuzz`). Needs `npm run build`.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {startDev} from '../helpers/dev-server.js'
import {RUNS, anyJson, badJsonText, budget, params, signalTopic, unknownPid} from './arbitraries.js'

const CLI_RUNS = Math.max(5, Math.floor(RUNS / 10))

/** One CLI invocation expected to fail: its arguments and optional stdin. */
interface Case {
  args: readonly string[]
  input?: string
}

/** Arguments a shell can pass (no NUL), not mistaken for flags. */
const argText = (a: fc.Arbitrary<string>) =>
  a.map((s) => s.replace(/\0/g, '')).filter((s) => s !== '' && !s.startsWith('-'))

function cases(closedId: string): fc.Arbitrary<Case> {
  const pid = argText(unknownPid)
  const topic = argText(signalTopic)
  const json = anyJson.map((v) => JSON.stringify(v))
  return fc.oneof(
    // unknown pids, any topic, valid or broken payloads
    fc
      .tuple(pid, topic, fc.option(fc.oneof(json, argText(badJsonText)), {nil: undefined}))
      .map(([p, t, j]) => ({args: ['signal', p, t, ...(j === undefined ? [] : [j])]})),
    // a real (closed) workflow: reserved topics, broken JSON, or any signal (it has finished)
    fc
      .tuple(fc.constantFrom('@cancel', '@exit', '@', '@link.down', '@@x'), json)
      .map(([t, j]) => ({args: ['signal', closedId, t, j]})),
    argText(badJsonText).map((j) => ({args: ['signal', closedId, 'approve', j]})),
    json.map((j) => ({args: ['signal', closedId, 'approve', j]})),
    // payloads on stdin: binary, huge invalid, huge valid to an unknown pid
    fc
      .uint8Array({minLength: 1, maxLength: 4096})
      .map((b) => ({args: ['signal', closedId, 'approve', '-'], input: Buffer.from(b).toString('latin1')})),
    fc
      .integer({min: 100_000, max: 2_000_000})
      .map((n) => ({args: ['signal', closedId, 'approve', '-'], input: '{"a": "' + 'x'.repeat(n)})),
    fc
      .integer({min: 100_000, max: 2_000_000})
      .map((n) => ({args: ['signal', 'wf-nope', 'approve', '-'], input: JSON.stringify({a: 'x'.repeat(n)})})),
    // a payload argument near the OS limit for one argument (128 KiB)
    fc
      .integer({min: 10_000, max: 120_000})
      .map((n) => ({args: ['signal', 'wf-nope', 'approve', JSON.stringify('y'.repeat(n))]})),
    // other commands on unknown pids
    fc
      .tuple(
        fc.constantFrom(
          ['cancel'],
          ['terminate'],
          ['history', 'inspect'],
          ['history', 'export'],
          ['time', 'skip'],
          ['fork'],
        ),
        pid,
      )
      .map(([cmd, p]) => ({
        args: [...cmd, p, ...(cmd[0] === 'fork' ? ['--at', '1'] : cmd[0] === 'time' ? ['--by', '1h'] : [])],
      })),
    // unknown entries and broken inputs for spawn and call
    fc
      .tuple(
        fc.constantFrom('spawn', 'call'),
        argText(fc.string({minLength: 1, maxLength: 30})),
        fc.option(json, {nil: undefined}),
      )
      .map(([cmd, e, j]) => ({args: [cmd, `nope:${e}`, ...(j === undefined ? [] : [j])]})),
    argText(badJsonText).map((j) => ({args: ['spawn', 'app.workflows:approval', j]})),
    // bad flags, flag values and missing arguments
    fc
      .constantFrom(
        ['ps', '--nope'],
        ['signal'],
        ['signal', 'wf-nope'],
        ['history', 'inspect', 'wf-nope', '--limit', '-3'],
        ['history', 'inspect', 'wf-nope', '--from', 'x'],
        ['time', 'skip', closedId, '--by', 'forever'],
        ['fork', closedId, '--at', '0'],
        ['spawn'],
        ['nope-command'],
        ['ps', '--status'],
      )
      .map((args) => ({args})),
  )
}

describe('fuzz: CLI arguments against wippy dev', () => {
  it(
    `fails ${CLI_RUNS} bad invocations with a code and a hint, no stack, and keeps serving`,
    async () => {
      const dev = await startDev({args: ['--no-watch']})
      // Given a workflow that has finished (the approval fails without an order): a real, closed pid
      const spawned = await dev.cli(['spawn', 'app.workflows:approval', '{}', '--wait'])
      const closedId = /wf-[0-9a-f]+/.exec(spawned.stdout + spawned.stderr)?.[0]
      expect(closedId, spawned.stdout + spawned.stderr).toBeTruthy()

      await fc.assert(
        fc.asyncProperty(cases(closedId!), async ({args, input}) => {
          // When the CLI is run with a bad invocation
          const result = await dev.cli(args, input === undefined ? {} : {input})
          const shown = `wippy ${args.map((a) => a.slice(0, 60)).join(' ')} → exit ${result.exitCode}\n${result.stderr.slice(0, 2000)}`
          // Then it fails as a user or usage error with a code and a hint, never with a stack trace
          expect([1, 2], shown).toContain(result.exitCode)
          expect(result.stderr, shown).toMatch(/Error WIPPY_[A-Z0-9_]+/)
          expect(result.stderr, shown).toMatch(/Hint:/)
          expect(result.stderr + result.stdout, shown).not.toMatch(/^\s{4}at /m)
        }),
        params(CLI_RUNS),
      )
      // And the server still answers
      const ps = await dev.cli(['ps', '--all'])
      expect(ps.exitCode, ps.stderr).toBe(0)
      expect(ps.stdout).toContain(closedId!)
    },
    budget(CLI_RUNS, 1500, 60_000),
  )
})
