/** `wippy terminate`: asks the running engine to end a run at once (its code does not run again). */
import {type ProjectOptions, type RunChoice, withRequiredClient} from './control.js'

export async function terminateRun(
  options: ProjectOptions & RunChoice & {pid: string; reason?: string},
): Promise<{pid: string; runId?: string}> {
  return withRequiredClient(options, (client) =>
    client.terminate({
      pid: options.pid,
      ...(options.runId === undefined ? {} : {runId: options.runId}),
      ...(options.reason === undefined ? {} : {reason: options.reason}),
    }),
  )
}
