import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../cli/flags.js'
import {runRef} from '../cli/ids.js'
import {cancelRun} from '../services/cancel.js'

export default class Cancel extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
  }

  static override description = 'The Lua code sees the cancellation and can clean up. Needs a running `wippy dev`.'

  static override summary = 'Ask a workflow to cancel.'

  static override examples = [
    '<%= config.bin %> cancel wf-3f2a',
    '<%= config.bin %> cancel wf-3f2a --reason "customer withdrew"',
  ]

  static override flags = {
    reason: Flags.string({description: 'Why (recorded in the history).'}),
    ...runIdFlag,
    ...stateDirFlag,
  }

  async run(): Promise<{id: string; pid: string; runId?: string}> {
    const {args, flags} = await this.parse(Cancel)
    const out = await cancelRun({
      pid: args.pid,
      root: this.projectRoot(flags.path),
      ...(flags.reason ? {reason: flags.reason} : {}),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    this.log(`cancel requested for ${this.shown(out.pid)}`)
    return runRef(out.pid, out.runId)
  }
}
