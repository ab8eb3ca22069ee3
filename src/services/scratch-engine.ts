/**
 * Replay checks and `call` without a server run on a scratch engine: the project's current code
 * with an empty temporary state dir, so nothing of the project's durable state is touched and no
 * open run is resumed as a side effect. The engine (Lua VM) loads only when one is needed.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Engine} from '../engine/engine.js'
import type {ProjectOptions} from './control.js'

/** Runs `fn` on an engine of the project's code with an empty temporary state dir. */
export async function withScratchEngine<T>(options: ProjectOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const stateDir = await mkdtemp(join(tmpdir(), 'wippy-scratch-'))
  try {
    const {Engine} = await import('../engine/engine.js')
    const engine = await Engine.start({root: options.root, stateDir, ...(options.env ? {env: options.env} : {})})
    try {
      return await fn(engine)
    } finally {
      await engine.close()
    }
  } finally {
    await rm(stateDir, {force: true, recursive: true})
  }
}
