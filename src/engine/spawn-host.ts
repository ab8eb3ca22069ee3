/**
 * Which host a `wippy spawn` (or `process.spawn` from outside a workflow) uses: the given
 * one, or the project's only `temporal.worker` for a workflow.
 */
import {WippyError} from '../errors.js'
import {type Registry, type RegistryEntry, temporalWorkerConfig} from '../registry/index.js'

/**
 * The `temporal.worker` a host argument names, by entry ID or by task queue (inside
 * workflow code the platform reads the host as a task queue), with its client.
 */
export function findWorker(registry: Registry, host: string): {client: string; worker: string} | undefined {
  const entry = registry.entries.get(host)
  const worker =
    entry?.kind === 'temporal.worker'
      ? entry
      : [...registry.entries.values()].find(
          (e) => e.kind === 'temporal.worker' && temporalWorkerConfig(e).taskQueue === host,
        )
  return worker ? {client: temporalWorkerConfig(worker).client, worker: worker.id} : undefined
}

export function resolveSpawnHost(
  registry: Registry,
  entry: RegistryEntry,
  host?: string,
): {client: string; worker: string} {
  if (entry.kind !== 'workflow.lua') {
    throw new WippyError(
      'WIPPY_SPAWN_KIND',
      `${entry.id} is a ${entry.kind}; wippy spawn starts workflow.lua entries.`,
      {
        hint:
          entry.kind === 'function.lua'
            ? `Run a function with \`wippy call ${entry.id}\`.`
            : 'Spawn a workflow.lua entry.',
      },
    )
  }
  const workers = [...registry.entries.values()].filter((e) => e.kind === 'temporal.worker')
  let worker: RegistryEntry | undefined
  if (host) {
    const found = findWorker(registry, host)
    if (!found) {
      throw new WippyError('WIPPY_HOST_UNKNOWN', `No temporal.worker entry ${host}.`, {
        hint:
          workers.length > 0
            ? `Workers in this project: ${workers.map((w) => w.id).join(', ')}.`
            : 'Add a temporal.worker entry (with a temporal.client) to run workflows.',
        kind: 'usage',
      })
    }
    return found
  } else if (workers.length === 1) {
    worker = workers[0]
  } else if (workers.length === 0) {
    throw new WippyError('WIPPY_HOST_MISSING', 'The project has no temporal.worker entry to run workflows on.', {
      hint: 'Add a temporal.client and a temporal.worker entry (see `wippy init` templates).',
    })
  } else {
    throw new WippyError('WIPPY_HOST_AMBIGUOUS', `The project has ${workers.length} temporal.worker entries.`, {
      hint: `Pick one with --host: ${workers.map((w) => w.id).join(', ')}.`,
      kind: 'usage',
    })
  }
  return {client: temporalWorkerConfig(worker!).client, worker: worker!.id}
}
