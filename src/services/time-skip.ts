/** `wippy time skip`: moves a run's workflow clock forward, on the running engine. */
import {requireSkip} from '../time/duration.js'
import {type ProjectOptions, type RunChoice, withRequiredClient} from './control.js'

export async function skipTime(
  options: ProjectOptions & RunChoice & {by: number | 'next-timer'; pid: string},
): Promise<{now: number; pid: string; runId?: string; skippedMs: number}> {
  requireSkip(options.by)
  return withRequiredClient(options, (client) =>
    client.skipTime({by: options.by, pid: options.pid, ...(options.runId === undefined ? {} : {runId: options.runId})}),
  )
}
