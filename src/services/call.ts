/** `wippy call`: calls a function entry on the running engine, or on a scratch one. */
import type {CallResult} from '../control/protocol.js'
import {type ProjectOptions, withClient} from './control.js'
import {withScratchEngine} from './scratch-engine.js'

export async function callEntry(options: ProjectOptions & {args: unknown[]; entry: string}): Promise<CallResult> {
  return withClient(options, async (client) => {
    if (client) return client.call({args: options.args, entry: options.entry})
    return withScratchEngine(options, (engine) => engine.call(options.entry, options.args))
  })
}
