import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {parseJsonArg} from '../control/json-arg.js'
import {type SpawnOutput, spawnRun} from '../control/services.js'
import {WippyError} from '../errors.js'
import {valueToJson} from '../history/value-forms.js'

export default class Spawn extends BaseCommand {
  static override args = {
    entry: Args.string({description: 'The workflow entry (namespace:name), e.g. app.workflows:approval.', required: true}),
    input: Args.string({description: 'Its input as JSON (one value; a JSON array is passed as one array).'}),
  }

  static override description = 'Start a workflow on the running `wippy dev` and print its PID (short workflow ID first). With --wait, wait for its result; exit 1 when it fails.'

  static override examples = [
    `<%= config.bin %> spawn app.workflows:approval '{"order_id": "o-1", "amount": 120}'`,
    `<%= config.bin %> spawn app.workflows:approval '{"order_id": "o-1"}' --id order-o-1 --wait --json`,
  ]

  static override flags = {
    host: Flags.string({description: 'The host entry to run on (default: the project\'s only temporal.worker).'}),
    id: Flags.string({description: 'The workflow ID (default: generated); a running workflow with this ID is reused.'}),
    'state-dir': Flags.string({description: 'The state dir of the dev server (default: .wippy/dev).', env: 'WIPPY_STATE_DIR'}),
    wait: Flags.boolean({description: 'Wait for the workflow to finish and print its result.'}),
  }

  async run(): Promise<SpawnOutput> {
    const {args, flags} = await this.parse(Spawn)
    const input = args.input === undefined ? [] : [parseJsonArg(args.input, 'input')]
    const out = await spawnRun({
      entry: args.entry,
      input,
      root: this.projectRoot(flags.path),
      wait: flags.wait,
      ...(flags.host ? {host: flags.host} : {}),
      ...(flags.id ? {id: flags.id} : {}),
      ...(flags['state-dir'] ? {stateDir: flags['state-dir']} : {}),
    })
    if (!this.jsonEnabled()) {
      this.log(`${out.id}  ${out.entry}  ${out.pid}${out.existing ? '  (already running)' : ''}`)
      if (out.status) this.log(out.error ? `${out.status}: ${out.error.message}` : `${out.status}: ${valueToJson(out.result ?? null)}`)
    }
    if (out.status && out.status !== 'completed') {
      if (this.jsonEnabled()) process.exitCode = 1
      else {
        throw new WippyError('WIPPY_WORKFLOW_FAILED', `Workflow ${out.id} ${out.status}${out.error ? `: ${out.error.message}` : ''}.`, {
          hint: `See what happened with \`wippy history inspect ${out.id}\`.`,
        })
      }
    }
    return out
  }
}
