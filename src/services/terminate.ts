/** `wippy terminate`: asks the running engine to end a run at once (its code does not run again). */
import {type ProjectOptions, withRequiredClient} from './control.js'

export async function terminateRun(options: ProjectOptions & {pid: string; reason?: string}): Promise<{pid: string}> {
  return withRequiredClient(options, (client) =>
    client.terminate({pid: options.pid, ...(options.reason === undefined ? {} : {reason: options.reason})}),
  )
}
