/** `wippy cancel`: asks the running engine to cancel a run (its code sees the cancellation). */
import {type ProjectOptions, withRequiredClient} from './control.js'

export async function cancelRun(options: ProjectOptions & {pid: string; reason?: string}): Promise<{pid: string}> {
  return withRequiredClient(options, (client) =>
    client.cancel({pid: options.pid, ...(options.reason === undefined ? {} : {reason: options.reason})}),
  )
}
