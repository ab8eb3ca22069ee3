import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'

/**
 * Usage errors read as one sentence that names the argument or flag, with the hint pointing
 * at the command's help; unknown commands get a did-you-mean, WIPPY_COMMAND_UNKNOWN, exit 2
 * and the JSON error shape; `wippy help <command>` works; help shows each description once.
 */
describe('usage errors', () => {
  it.each([
    [
      ['fork', 'wf-50e4'],
      'Error WIPPY_USAGE: Missing the required flag --at.\n  Hint: See the usage with `wippy fork --help`.\n',
    ],
    [
      ['spawn'],
      'Error WIPPY_USAGE: Missing the required argument ENTRY: The workflow entry (namespace:name), e.g. app.workflows:approval.\n  Hint: See the usage with `wippy spawn --help`.\n',
    ],
    [
      ['fork', 'wf-b2a9', '--at', 'abc'],
      "Error WIPPY_USAGE: Can't parse --at: Expected an integer but received: abc.\n  Hint: See the usage with `wippy fork --help`.\n",
    ],
    [
      ['ps', '--status', 'bogus'],
      'Error WIPPY_USAGE: Expected --status=bogus to be one of: running, blocked, damaged, completed, failed, cancelled, terminated, timed_out, continued_as_new.\n  Hint: See the usage with `wippy ps --help`.\n',
    ],
    [
      ['ps', '--bogus'],
      'Error WIPPY_USAGE: wippy ps has no flag --bogus.\n  Hint: See the usage with `wippy ps --help`.\n',
    ],
  ])('wippy %j says what is wrong in the message and where to look in the hint', async (args, stderr) => {
    const run = await runCli(args)
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toBe(stderr)
  })

  it('an unknown command gets a did-you-mean, a code and exit 2', async () => {
    const run = await runCli(['spwan', 'app.workflows:approval'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toBe(
      'Error WIPPY_COMMAND_UNKNOWN: "spwan" is not a wippy command. Did you mean "spawn"?\n  Hint: Run `wippy spawn --help` for its usage, or `wippy help` for every command.\n',
    )
  })

  it("a mistyped command of a topic suggests the topic's command", async () => {
    const run = await runCli(['history', 'inspekt', 'wf-b2a9'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('"history inspekt" is not a wippy command. Did you mean "history inspect"?')
  })

  it('an unknown command with --json prints the error shape on stdout', async () => {
    const run = await runCli(['frobnicate', '--json'])
    expect(run.exitCode).toBe(2)
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'WIPPY_COMMAND_UNKNOWN',
        details: {command: 'frobnicate'},
        hint: 'Run `wippy help` for every command.',
        message: '"frobnicate" is not a wippy command.',
      },
    })
  })
})

describe('help', () => {
  it("`wippy help spawn` shows the command's help", async () => {
    const run = await runCli(['help', 'spawn'])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toContain('$ wippy spawn ENTRY [INPUT]')
  })

  it('prints the summary once and the description without repeating it', async () => {
    const run = await runCli(['spawn', '--help'])
    expect(run.stdout.startsWith('Start a workflow on the running `wippy dev`.\n')).toBe(true)
    expect(run.stdout.split('Start a workflow on the running').length - 1).toBe(1)
    expect(run.stdout).toContain('DESCRIPTION\n  Prints the workflow ID.')
  })

  it("call's usage line reads ENTRY [ARGS...]", async () => {
    const run = await runCli(['call', '--help'])
    expect(run.stdout).toContain('$ wippy call ENTRY [ARGS...]')
  })

  it('every command has a one-line summary', async () => {
    const run = await runCli(['help'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^ {2}spawn +Start a workflow on the running `wippy dev`\.$/m)
    const url = new URL('../../oclif.manifest.json', import.meta.url).href // built, not committed: no static import
    const {default: manifest} = await import(url, {with: {type: 'json'}})
    for (const [id, command] of Object.entries(manifest.commands as Record<string, {summary?: string}>)) {
      expect(command.summary, id).toMatch(/^[^\n]+\.$/)
    }
  })
})
