import {Args} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../../cli/flags.js'
import {type RepairRunOutput, repairRun} from '../../control/history-repair.js'

export default class HistoryRepair extends BaseCommand {
  static override args = {
    pid: Args.string({
      description:
        'The damaged workflow: its workflow ID, run key, PID, or a unique prefix (see `wippy ps --status damaged`).',
      required: true,
    }),
  }

  static override description =
    'Repair a damaged (quarantined) history: keep a copy of the whole file beside it (`<name>.jsonl.damaged-<time>`), cut the history back to its last good event, and let the run go on from there (it is recovered, or blocked, like after a restart). A history with no readable event is moved aside and the run forgotten. Works with or without a running `wippy dev`.'

  static override summary = 'Repair a damaged history, keeping a copy of it.'

  static override examples = [
    '<%= config.bin %> history repair wf-3f2a',
    '<%= config.bin %> history repair wf-3f2a --json',
  ]

  static override flags = {
    ...runIdFlag,
    ...stateDirFlag,
  }

  async run(): Promise<RepairRunOutput & {id: string}> {
    const {args, flags} = await this.parse(HistoryRepair)
    const out = await repairRun({
      pid: args.pid,
      root: this.projectRoot(flags.path),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    if (!this.jsonEnabled()) {
      this.log(`kept the damaged file as ${out.keptAs}`)
      if (out.removed)
        this.log(`no event of ${out.runKey} was readable: the history was moved aside and the run is forgotten`)
      else {
        this.log(
          `cut ${out.runKey} back to event ${out.keptEvents} (dropped ${out.droppedBytes} bytes from line ${out.damage.line})`,
        )
        if (out.summary)
          this.log(
            `${out.summary.id}  ${out.summary.status}${out.summary.problem ? `: ${out.summary.problem}` : out.summary.waiting ? `  ${out.summary.waiting}` : ''}`,
          )
        if (out.source === 'files') this.info('(no `wippy dev` runs; the run is recovered when it starts)')
      }
    }
    // `id` as in every command's --json (docs/json.md): the workflow ID, from the run key.
    return {id: out.summary?.id ?? out.runKey.slice(0, out.runKey.lastIndexOf('~')), ...out}
  }
}
