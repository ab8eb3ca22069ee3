import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../cli/flags.js'
import {runRef} from '../cli/ids.js'
import {terminateRun} from '../services/terminate.js'

export default class Terminate extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
  }

  static override description = 'Its cleanup code does not run. Needs a running `wippy dev`.'

  static override summary = 'Stop a workflow at once.'

  static override examples = ['<%= config.bin %> terminate wf-3f2a --reason "stuck on a bad deploy"']

  static override flags = {
    reason: Flags.string({description: 'Why (recorded in the history).'}),
    ...runIdFlag,
    ...stateDirFlag,
  }

  async run(): Promise<{id: string; pid: string; runId?: string}> {
    const {args, flags} = await this.parse(Terminate)
    const out = await terminateRun({
      pid: args.pid,
      root: this.projectRoot(flags.path),
      ...(flags.reason ? {reason: flags.reason} : {}),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    this.log(`terminated ${this.shown(out.pid)}`)
    return runRef(out.pid, out.runId)
  }
}
