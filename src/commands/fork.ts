import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../cli/flags.js'
import {runRef} from '../cli/ids.js'
import {checkWorkflowId} from '../cli/workflow-id.js'
import {forkRun} from '../services/fork.js'
import type {ForkOutput} from '../services/fork.js'

export default class Fork extends BaseCommand {
  static override args = {
    pid: Args.string({
      description: 'The workflow to fork: a PID, its workflow ID, or a unique prefix of it.',
      required: true,
    }),
  }

  static override description =
    'The new run takes the first N events of the old history as its own, then runs live on the current code. Use it to restart a run that diverged after a code change. Needs a running `wippy dev`.'

  static override examples = [
    '<%= config.bin %> fork wf-3f2a --at 4',
    '<%= config.bin %> fork wf-3f2a --at 4 --id wf-3f2a-retry --json',
  ]

  static override flags = {
    at: Flags.integer({
      description: 'Keep events 1..N of the old history (see `wippy history inspect`).',
      min: 1,
      required: true,
    }),
    id: Flags.string({description: "The new run's workflow ID (default: generated)."}),
    ...runIdFlag,
    ...stateDirFlag,
  }

  static override summary = "Start a new run from the first N events of a workflow's history."

  async run(): Promise<
    Omit<ForkOutput, 'forkedFrom' | 'forkedFromRunId'> & {forkedFrom: {id: string; pid: string; runId?: string}}
  > {
    const {args, flags} = await this.parse(Fork)
    if (flags.id !== undefined) checkWorkflowId(flags.id)
    const out = await forkRun({
      at: flags.at,
      pid: args.pid,
      root: this.projectRoot(flags.path),
      ...(flags.id ? {id: flags.id} : {}),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    this.log(`${this.shown(out.pid)}  ${out.entry}  (forked from ${this.shown(out.forkedFrom)} at event ${out.at})`)
    const {forkedFromRunId, ...rest} = out
    return {...rest, forkedFrom: runRef(out.forkedFrom, forkedFromRunId)}
  }
}
