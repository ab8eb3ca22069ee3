import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../cli/flags.js'
import {runRef} from '../cli/ids.js'
import {readPayload} from '../cli/payload-arg.js'
import {MAX_UPDATE_TIMEOUT_MS} from '../control/wire.js'
import {CommandFailed, WippyError} from '../errors.js'
import {valueToJson} from '../history/value-forms.js'
import {updateRun} from '../services/update.js'
import {formatDurationMs, requireDurationMs} from '../time/duration.js'

export default class Update extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
    name: Args.string({
      description: 'The update name (the topic the workflow receives), e.g. set_limit.',
      required: true,
    }),
    payload: Args.string({description: 'The payload as JSON; `-` reads it from stdin.'}),
  }

  static override description =
    'The workflow receives a message from an `{update|<id>}` PID with the update name as its topic, and answers "ack" or "nak", then "ok" or "error", to msg:from(). Prints the ok payload; a nak or an error exits 1. Needs a running `wippy dev`.'

  static override summary = "Send an update to a workflow and wait for the workflow's answer."

  static override examples = [
    `<%= config.bin %> update wf-3f2a set_limit '{"limit": 500}'`,
    '<%= config.bin %> update wf-3f2a set_limit --file limit.json --timeout 2m --json',
  ]

  static override flags = {
    file: Flags.string({char: 'f', description: 'Read the JSON payload from this file.'}),
    ...runIdFlag,
    ...stateDirFlag,
    timeout: Flags.string({default: '30s', description: 'How long to wait for the answer, as a Go duration: 30s, 5m.'}),
  }

  async run(): Promise<{id: string; name: string; pid: string; result: unknown; runId?: string; update: string}> {
    const {args, flags} = await this.parse(Update)
    const timeoutMs = timeoutOf(flags.timeout)
    const payload = await readPayload(args.payload, flags.file)
    const out = await updateRun({
      name: args.name,
      payload: payload === undefined ? [] : [payload],
      pid: args.pid,
      root: this.projectRoot(flags.path),
      timeoutMs,
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    const ref = runRef(out.pid, out.runId)
    if (out.status !== 'completed') {
      const rejected = out.status === 'rejected'
      throw new CommandFailed(
        rejected ? 'WIPPY_UPDATE_REJECTED' : 'WIPPY_UPDATE_FAILED',
        `Workflow ${ref.id} ${rejected ? 'rejected' : 'failed'} the update ${args.name}: ${out.error?.message ?? out.status}.`,
        {
          details: {...ref, name: args.name, status: out.status, update: out.update, ...out.error},
          hint: rejected
            ? 'The workflow answered "nak": check the payload against what its update handler accepts.'
            : `The workflow answered "error"; see its history with \`wippy history inspect ${ref.id}\`.`,
        },
      )
    }
    this.log(valueToJson(out.result ?? null, 2))
    return {...ref, name: args.name, result: out.result ?? null, update: out.update}
  }
}

function timeoutOf(text: string): number {
  const ms = requireDurationMs(text, '--timeout duration')
  if (ms <= 0 || ms > MAX_UPDATE_TIMEOUT_MS) {
    throw new WippyError('WIPPY_USAGE', `The --timeout ${text} is out of range.`, {
      hint: `Pass a duration above 0 and at most ${formatDurationMs(MAX_UPDATE_TIMEOUT_MS)}, e.g. --timeout 2m.`,
      kind: 'usage',
    })
  }
  return Math.ceil(ms)
}
