import {Args} from '@oclif/core'
import {existsSync} from 'node:fs'
import {resolve} from 'node:path'

import {BaseCommand} from '../../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../../cli/flags.js'
import {idOf} from '../../cli/ids.js'
import {replayHistory} from '../../services/history-replay.js'
import type {ReplayCheckResult} from '../../engine/api.js'
import {CommandFailed, WippyError} from '../../errors.js'

/** A target that can only be meant as a file: a path separator, or a history file's extension. */
const LOOKS_LIKE_PATH = /[/\\]|\.jsonl?$/i

export default class HistoryReplay extends BaseCommand {
  static override args = {
    target: Args.string({
      description: 'A workflow (PID, workflow ID or unique prefix) or a history file from `wippy history export`.',
      required: true,
    }),
  }

  static override description =
    'Nothing runs: exit 0 when the code reproduces the history, 1 with the divergence (event index, expected vs got, file:line). Use it in CI before a deploy.'

  static override examples = [
    '<%= config.bin %> history replay wf-3f2a',
    '<%= config.bin %> history replay histories/approval.jsonl --json',
  ]

  static override flags = {
    ...runIdFlag,
    ...stateDirFlag,
  }

  static override summary = "Replay a history against the project's current code."

  async run(): Promise<ReplayCheckResult & {id: string}> {
    const {args, flags} = await this.parse(HistoryReplay)
    const root = this.projectRoot(flags.path)
    const file = resolve(process.cwd(), args.target)
    const isFile = existsSync(file)
    if (!isFile && LOOKS_LIKE_PATH.test(args.target)) {
      throw new WippyError('WIPPY_FILE_NOT_FOUND', `There is no history file ${file}.`, {
        hint: 'Check the path (it is relative to the current directory), or pass a workflow ID from `wippy ps --all`.',
      })
    }
    if (isFile && flags['run-id']) {
      throw new WippyError('WIPPY_USAGE', '--run-id picks a run of a workflow ID, not of a history file.', {
        hint: 'Pass the workflow ID with --run-id, or the file alone.',
        kind: 'usage',
      })
    }
    const out = await replayHistory({
      root,
      ...(isFile ? {file} : {pid: args.target}),
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    const result = {id: idOf(out.pid), ...out}
    if (out.ok) {
      this.log(`ok: the current code replays all ${out.replayedEvents} events of ${this.shown(out.pid)}`)
      return result
    }
    const d = out.divergence!
    throw new CommandFailed(
      'WIPPY_REPLAY_DIVERGED',
      `${this.shown(out.pid)} diverges at event ${d.eventIndex}: expected ${d.expected}, got ${d.got}${d.where ? ` (${d.where})` : ''}.`,
      {
        details: {...d, result},
        hint: "The code changed in a way the recorded run can't follow. Keep the old behaviour behind a version check, or restart the run on the new code with `wippy fork`.",
      },
    )
  }
}
