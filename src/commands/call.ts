import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {parseJsonArg} from '../control/json-arg.js'
import {callEntry} from '../control/services.js'
import {WippyError} from '../errors.js'
import type {LuaErrorValue} from '../lua/types.js'
import {valueToJson} from '../history/value-forms.js'

export default class Call extends BaseCommand {
  static override args = {
    entry: Args.string({description: 'The function entry (namespace:name).', required: true}),
  }

  static override description =
    'Call a function entry with JSON arguments and print what it returns. Uses the running `wippy dev` when there is one, otherwise loads the project in-process for the call.'

  static override examples = [`<%= config.bin %> call app.api:charge_card '{"amount": 100, "card": "4242"}'`, '<%= config.bin %> call app.lib:add 1 2 --json']

  static override flags = {
    'state-dir': Flags.string({description: 'The state dir of the dev server (default: .wippy/dev).', env: 'WIPPY_STATE_DIR'}),
  }

  static override strict = false

  async run(): Promise<{error?: LuaErrorValue; value?: unknown}> {
    const {args, argv, flags} = await this.parse(Call)
    const jsonArgs = (argv as string[]).slice(1).map((text, i) => parseJsonArg(text, `argument ${i + 1}`))
    const out = await callEntry({args: jsonArgs, entry: args.entry, root: this.projectRoot(flags.path), ...(flags['state-dir'] ? {stateDir: flags['state-dir']} : {})})
    if (out.error) {
      if (this.jsonEnabled()) {
        process.exitCode = 1
        return out
      }
      throw new WippyError('WIPPY_CALL_FAILED', `${args.entry} returned an error: ${out.error.kind ? `${out.error.kind}: ` : ''}${out.error.message}.`, {
        details: {error: out.error},
        hint: 'The function returned (nil, err); check its arguments and code.',
      })
    }
    this.log(valueToJson(out.value ?? null, 2))
    return out
  }
}
