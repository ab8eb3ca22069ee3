import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {inCi} from '../cli/ci.js'
import {testStateDirFlag, stateDirOption} from '../cli/flags.js'
import {CommandFailed} from '../errors.js'
import {humanReporter} from '../testing/reporters.js'
import {DEFAULT_TEST_TIMEOUT_MS, type TestRunReport, runTests} from '../testing/run-tests.js'
import {requireDurationMs} from '../time/duration.js'

export default class Test extends BaseCommand {
  static override args = {
    pattern: Args.string({
      description: 'Run only tests whose entry ID contains one of these strings.',
      required: false,
    }),
  }

  static override summary = "Run the project's tests (function.lua entries with `meta.type: test`)."

  static override description = `Tests are grouped by meta.suite and described by meta.description.

A test passes when its main returns a truthy value and raises nothing; it fails when it raises (shown with the Lua file:line and traceback), returns false (optionally with a message) or nil plus an error, or runs past its timeout. Wippy functions return \`value, err\`, so any second return value is an error: \`return true, "note"\` fails too. \`meta.skip: "reason"\` reports a test as skipped; \`meta.timeout: 30s\` overrides --timeout for one test.

The engine is started for the run, in a throw-away state dir in the OS temp dir unless --state-dir is given. Tests can call functions and spawn or exec workflows on a temporal.worker host.

Clocks: tests (functions) run on the real clock. Workflows they start run on virtual time: when a workflow waits only on timers, its clock jumps to the next one, so a time.sleep("24h") takes milliseconds while its history still records 24 hours.

Ends with the line "N passed, N failed" (plus ", N skipped"); exits 1 when any test fails.`

  static override examples = [
    '<%= config.bin %> test',
    '<%= config.bin %> test app.tests.orders --bail',
    '<%= config.bin %> test --suite payments --timeout 30s',
    '<%= config.bin %> test --json',
  ]

  static override flags = {
    bail: Flags.boolean({description: 'Stop after the first failing test (the rest are reported as skipped).'}),
    ...testStateDirFlag,
    suite: Flags.string({description: 'Run only this suite (meta.suite); repeatable.', multiple: true}),
    timeout: Flags.string({
      description: `Per-test timeout as a Go duration (default ${DEFAULT_TEST_TIMEOUT_MS / 1000}s).`,
    }),
  }

  static override strict = false

  async run(): Promise<TestRunReport> {
    const {argv, flags} = await this.parse(Test)
    const timeoutMs = flags.timeout === undefined ? undefined : requireDurationMs(flags.timeout, 'timeout')
    const live = Boolean(process.stdout.isTTY) && !inCi()
    const report = await runTests({
      bail: flags.bail,
      patterns: argv as string[],
      root: this.projectRoot(flags.path),
      ...stateDirOption(flags),
      ...(flags.suite ? {suites: flags.suite} : {}),
      ...(timeoutMs === undefined ? {} : {timeoutMs}),
      ...(this.jsonEnabled()
        ? {}
        : {
            reporter: humanReporter({
              color: process.stdout.hasColors?.() ?? false,
              live,
              write: (text) => process.stdout.write(text),
            }),
          }),
    })
    if (report.failed > 0) {
      // Exit 1 without an error banner (`reported`): the summary's last line stays `N passed, N failed`.
      throw new CommandFailed(
        'WIPPY_TESTS_FAILED',
        `${report.failed} of ${report.tests.length} test${report.tests.length === 1 ? '' : 's'} failed.`,
        {
          details: {result: report},
          hint: 'See each failed test in `details.result.tests` (its `failure`).',
          reported: true,
        },
      )
    }
    return report
  }
}
