/**
 * `wippy update`: delivers a workflow update through the running `wippy dev` and waits for the
 * workflow's answer (ack or nak, then ok or error; engine/updates.ts). Unlike a signal it cannot
 * be queued offline: somebody has to be there to hear the answer.
 */
import {connectControl} from '../control/client.js'
import type {UpdateResult} from '../engine/api.js'
import {WippyError} from '../errors.js'
import {checkPayload} from '../history/payload-limits.js'
import {type ProjectOptions, type RunChoice, stateDirOf} from './control.js'

export type {UpdateResult} from '../engine/api.js'

export async function updateRun(
  options: ProjectOptions & RunChoice & {name: string; payload: unknown[]; pid: string; timeoutMs: number},
): Promise<UpdateResult> {
  checkPayload(options.payload, 'update payload')
  const client = await connectControl(options.root, stateDirOf(options))
  if (!client) {
    throw new WippyError('WIPPY_DEV_NOT_RUNNING', `No \`wippy dev\` runs for the project ${options.root}.`, {
      hint: 'Updates need a running engine: the workflow answers while it runs. Start `wippy dev` in the project, then send the update again. (`wippy signal` queues a message without an answer even with no dev server.)',
    })
  }
  try {
    return await client.update({
      name: options.name,
      payload: options.payload,
      pid: options.pid,
      timeoutMs: options.timeoutMs,
      ...(options.runId === undefined ? {} : {runId: options.runId}),
    })
  } finally {
    client.close()
  }
}
