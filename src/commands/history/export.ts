import {Args, Flags} from '@oclif/core'
import {writeFile} from 'node:fs/promises'

import {BaseCommand} from '../../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../../cli/flags.js'
import {runRef} from '../../cli/ids.js'
import {exportHistory} from '../../services/history-export.js'
import {fsReason} from '../../cli/file-errors.js'
import {WippyError} from '../../errors.js'
import {eventToJson} from '../../history/line-codec.js'

export default class HistoryExport extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
  }

  static override description =
    'One event per line, to stdout or a file (--json prints a summary instead: ID, PID, event count, file). `wippy history replay FILE` reads it back.'

  static override summary = "Write a workflow's history as JSONL."

  static override examples = [
    '<%= config.bin %> history export wf-3f2a -o approval.jsonl',
    '<%= config.bin %> history export wf-3f2a > approval.jsonl',
  ]

  static override flags = {
    output: Flags.string({char: 'o', description: 'Write to this file instead of stdout.'}),
    ...runIdFlag,
    ...stateDirFlag,
  }

  async run(): Promise<{eventCount: number; file?: string; id: string; pid: string; runId?: string}> {
    const {args, flags} = await this.parse(HistoryExport)
    const view = await exportHistory({
      pid: args.pid,
      root: this.projectRoot(flags.path),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    const text = view.events.map((e) => eventToJson(e)).join('\n') + '\n'
    if (view.damage)
      this.warnLine(
        `the history of ${view.pid} is damaged at line ${view.damage.line} (byte ${view.damage.offset}): only its ${view.damage.goodEvents} intact events are exported`,
      )
    if (flags.output) {
      try {
        await writeFile(flags.output, text)
      } catch (error) {
        throw new WippyError('WIPPY_FILE_WRITE', `Can't write ${flags.output}: ${fsReason(error)}.`, {
          hint: 'Check that the folder exists and is writable.',
        })
      }
      this.info(`exported ${view.events.length} events of ${this.shown(view.pid)} to ${flags.output}`)
    } else if (!this.jsonEnabled()) {
      process.stdout.write(text)
    }
    return {
      ...runRef(view.pid, view.runId),
      eventCount: view.events.length,
      ...(flags.output ? {file: flags.output} : {}),
    }
  }
}
