/** `wippy cancel`: asks the running engine to cancel a run (its code sees the cancellation). */
import {type ProjectOptions, type RunChoice, withRequiredClient} from './control.js'

export async function cancelRun(
  options: ProjectOptions & RunChoice & {pid: string; reason?: string},
): Promise<{pid: string; runId?: string}> {
  return withRequiredClient(options, (client) =>
    client.cancel({
      pid: options.pid,
      ...(options.runId === undefined ? {} : {runId: options.runId}),
      ...(options.reason === undefined ? {} : {reason: options.reason}),
    }),
  )
}
