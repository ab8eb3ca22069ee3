import {Args, Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import {resolve} from 'node:path'

import {BaseCommand} from '../../cli/base-command.js'
import {replayHistory} from '../../control/services.js'
import type {ReplayCheckResult} from '../../engine/api.js'
import {WippyError} from '../../errors.js'

export default class HistoryReplay extends BaseCommand {
  static override args = {
    target: Args.string({description: 'A workflow (PID, workflow ID or unique prefix) or a history file from `wippy history export`.', required: true}),
  }

  static override description =
    'Replay a history against the project\'s current code without running anything: exit 0 when the code reproduces it, 1 with the divergence (event index, expected vs got, file:line). Use it in CI before a deploy.'

  static override examples = ['<%= config.bin %> history replay wf-3f2a', '<%= config.bin %> history replay histories/approval.jsonl --json']

  static override flags = {
    'state-dir': Flags.string({description: 'The state dir (default: .wippy/dev).', env: 'WIPPY_STATE_DIR'}),
  }

  async run(): Promise<ReplayCheckResult> {
    const {args, flags} = await this.parse(HistoryReplay)
    const root = this.projectRoot(flags.path)
    const file = resolve(process.cwd(), args.target)
    const isFile = existsSync(file)
    const out = await replayHistory({
      root,
      ...(isFile ? {file} : {pid: args.target}),
      ...(flags['state-dir'] ? {stateDir: flags['state-dir']} : {}),
    })
    if (out.ok) {
      this.log(`ok: the current code replays all ${out.replayedEvents} events of ${out.pid}`)
      return out
    }
    const d = out.divergence!
    if (this.jsonEnabled()) {
      process.exitCode = 1
      return out
    }
    throw new WippyError('WIPPY_REPLAY_DIVERGED', `${out.pid} diverges at event ${d.eventIndex}: expected ${d.expected}, got ${d.got}${d.where ? ` (${d.where})` : ''}.`, {
      details: {...d},
      hint: 'The code changed in a way the recorded run can\'t follow. Keep the old behaviour behind a version check, or restart the run on the new code with `wippy fork`.',
    })
  }
}
