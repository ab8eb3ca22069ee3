import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../cli/flags.js'
import {runRef} from '../cli/ids.js'
import {readPayload} from '../cli/payload-arg.js'
import {type SignalOutput, signalRun} from '../services/signal.js'

export default class Signal extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
    topic: Args.string({description: 'The signal topic, e.g. approve.', required: true}),
    payload: Args.string({description: 'The payload as JSON; `-` reads it from stdin.'}),
  }

  static override description =
    "With `wippy dev` running it is delivered at once; without, it is recorded durably in the run's history and delivered when the engine next runs."

  static override summary = 'Send a signal to a workflow.'

  static override examples = [
    `<%= config.bin %> signal wf-3f2a approve '{"approved": true}'`,
    '<%= config.bin %> signal wf-3f2a approve --file decision.json',
    `echo '{"approved": false}' | <%= config.bin %> signal wf-3f approve -`,
  ]

  static override flags = {
    file: Flags.string({char: 'f', description: 'Read the JSON payload from this file.'}),
    ...runIdFlag,
    ...stateDirFlag,
  }

  async run(): Promise<SignalOutput & {id: string; topic: string}> {
    const {args, flags} = await this.parse(Signal)
    const payload = await readPayload(args.payload, flags.file)
    const out = await signalRun({
      payload: payload === undefined ? [] : [payload],
      pid: args.pid,
      root: this.projectRoot(flags.path),
      topic: args.topic,
      ...stateDirOption(flags),
      ...runIdOption(flags),
    })
    if (out.delivered) this.log(`signal ${args.topic} delivered to ${this.shown(out.pid)}`)
    else
      this.log(
        `signal ${args.topic} queued in the history of ${this.shown(out.pid)} (event ${out.seq}); no \`wippy dev\` runs, so it is delivered when the engine next starts`,
      )
    return {...runRef(out.pid), ...out, topic: args.topic}
  }
}
