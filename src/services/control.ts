/**
 * What every service shares: the project options, and the per-call choice of who answers, the
 * running `wippy dev` through the control channel, or (for reads) the files (`control/offline.ts`).
 * A service takes plain options and knows no flags; commands parse, call one service, render.
 */
import {type ControlClient, connectControl, requireControl} from '../control/client.js'

/** Options every service takes. */
export interface ProjectOptions {
  env?: Record<string, string | undefined>
  root: string
  stateDir?: string
}

/** Which run of a reused workflow ID a command acts on (`--run-id`); the newest without it. */
export interface RunChoice {
  runId?: string
}

/** The connect options of a project's state dir. */
export const stateDirOf = (options: ProjectOptions): {stateDir?: string} =>
  options.stateDir === undefined ? {} : {stateDir: options.stateDir}

// The offline readers load only when needed, so the common path, a command talking to a running
// dev server, starts fast. (The read path of `offline.ts` loads neither zod nor the history store;
// its write path, signals, loads the store on demand.)
export const offline = () => import('../control/offline.js')

/** Runs `fn` with a client of the running dev server (closed after), or undefined without one. */
export async function withClient<T>(
  options: ProjectOptions,
  fn: (client: ControlClient | undefined) => Promise<T>,
): Promise<T> {
  const client = await connectControl(options.root, stateDirOf(options))
  try {
    return await fn(client)
  } finally {
    client?.close()
  }
}

/** Like {@link withClient} but requires a dev server (`WIPPY_DEV_NOT_RUNNING` without one). */
export async function withRequiredClient<T>(
  options: ProjectOptions,
  fn: (client: ControlClient) => Promise<T>,
): Promise<T> {
  const client = await requireControl(options.root, stateDirOf(options))
  try {
    return await fn(client)
  } finally {
    client.close()
  }
}
