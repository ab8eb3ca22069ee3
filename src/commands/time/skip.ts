import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../../cli/flags.js'
import {runRef} from '../../cli/ids.js'
import {skipTime} from '../../services/time-skip.js'
import {WippyError} from '../../errors.js'
import {formatDurationMs, requireDurationMs} from '../../time/duration.js'

const MAX_SKIP_MS = 1000 * 365 * 24 * 3_600_000

export default class TimeSkip extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
  }

  static override description =
    'The skip is recorded in its history as TimeSkipped. Makes a `time.sleep("24h")` testable in seconds. Needs a running `wippy dev`.'

  static override summary = "Advance a workflow's virtual clock so its timers fire now."

  static override examples = [
    '<%= config.bin %> time skip wf-3f2a --by 24h',
    '<%= config.bin %> time skip wf-3f2a --to-next-timer',
  ]

  static override flags = {
    by: Flags.string({description: 'How far, as a Go duration: 30s, 1h30m, 24h.'}),
    ...runIdFlag,
    ...stateDirFlag,
    'to-next-timer': Flags.boolean({description: "Skip exactly to the workflow's next timer."}),
  }

  async run(): Promise<{id: string; now: number; pid: string; runId?: string; skippedMs: number}> {
    const {args, flags} = await this.parse(TimeSkip)
    if ((flags.by === undefined) === !flags['to-next-timer']) {
      throw new WippyError('WIPPY_USAGE', 'Pass exactly one of --by DURATION or --to-next-timer.', {
        hint: 'e.g. `wippy time skip wf-3f2a --by 24h`.',
        kind: 'usage',
      })
    }
    const by = flags.by === undefined ? ('next-timer' as const) : requireDurationMs(flags.by, '--by duration')
    if (typeof by === 'number' && by < 0) {
      throw new WippyError('WIPPY_DURATION_INVALID', 'Time only moves forward.', {
        hint: 'Pass a positive duration, e.g. --by 1h.',
        kind: 'usage',
      })
    }
    // A clock past year 275760 has no date (JavaScript's limit); refuse it before anything is recorded.
    if (typeof by === 'number' && by > MAX_SKIP_MS) {
      throw new WippyError(
        'WIPPY_DURATION_INVALID',
        `${flags.by} is too far: a skip moves the clock at most 1000 years.`,
        {hint: 'Pass a shorter duration, e.g. --by 24h.', kind: 'usage'},
      )
    }
    const out = await skipTime({
      by,
      pid: args.pid,
      root: this.projectRoot(flags.path),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    this.log(
      `skipped ${formatDurationMs(out.skippedMs)} for ${this.shown(out.pid)}; its clock is now ${new Date(out.now).toISOString()}`,
    )
    return {...runRef(out.pid, out.runId), now: out.now, skippedMs: out.skippedMs}
  }
}
