import {Args} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {stateDirFlag, stateDirOption} from '../cli/flags.js'
import {runErrorDetails} from '../cli/run-error.js'
import {parseJsonArg} from '../control/json-arg.js'
import {callEntry} from '../services/call.js'
import {CommandFailed, WippyError} from '../errors.js'
import {valueToJson} from '../history/value-forms.js'
import {userCacheDir} from '../project/cache-dir.js'

export default class Call extends BaseCommand {
  static override args = {
    entry: Args.string({description: 'The function entry (namespace:name).', required: true}),
    args: Args.string({description: 'Its arguments, one JSON value each.'}),
  }

  static override description =
    'Uses the running `wippy dev` when there is one, otherwise loads the project in-process for the call. Each argument is one JSON value; a workflow is started with `wippy spawn` instead.'

  static override examples = [
    `<%= config.bin %> call app.approvals:submit '{"order_id": "A-1", "amount": 120}'`,
    '<%= config.bin %> call app.lib:add 1 2 --json',
  ]

  static override flags = {
    ...stateDirFlag,
  }

  static override strict = false

  static override summary = 'Call a function entry with JSON arguments and print what it returns.'

  static override usage = '<%= command.id %> ENTRY [ARGS...]'

  async run(): Promise<{value: unknown}> {
    const {args, argv, flags} = await this.parse(Call)
    const root = this.projectRoot(flags.path)
    const jsonArgs = (argv as string[]).slice(1).map((text, i) => parseJsonArg(text, `argument ${i + 1}`))
    const out = await callEntry({args: jsonArgs, entry: args.entry, root, ...stateDirOption(flags)})
    if (out.error) {
      if (out.error.kind === 'NotFound') await this.refuseNonFunction(root, args.entry)
      throw new CommandFailed(
        'WIPPY_CALL_FAILED',
        `${args.entry} returned an error: ${out.error.kind ? `${out.error.kind}: ` : ''}${out.error.message}.`,
        {
          details: runErrorDetails(out.error),
          hint: 'The function returned (nil, err); check its arguments and code.',
        },
      )
    }
    this.log(valueToJson(out.value ?? null, 2))
    return {value: out.value ?? null}
  }

  /** `call` on a workflow (or another non-function) says what to run instead, as `spawn` does for functions. */
  private async refuseNonFunction(root: string, entry: string): Promise<void> {
    const {loadRegistry} = await import('../registry/load.js')
    const found = (await loadRegistry(root, {cacheDir: userCacheDir(process.env), env: process.env})).entries.get(entry)
    if (!found || found.kind === 'function.lua') return
    throw new WippyError('WIPPY_CALL_KIND', `${entry} is a ${found.kind}; wippy call runs function.lua entries.`, {
      hint:
        found.kind === 'workflow.lua'
          ? `Start a workflow with \`wippy spawn ${entry} '<input as JSON>'\` (add --wait for its result).`
          : 'Call a function.lua entry.',
    })
  }
}
