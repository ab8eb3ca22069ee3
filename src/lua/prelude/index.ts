/**
 * The prelude chunks in load order. The first returns the private table `W`; the others
 * receive it. Chunk names start with `@wippy/` so tracebacks can hide runtime frames.
 *
 * The Lua lives in the `.lua` files beside this module; `scripts/inline-prelude.mjs` inlines
 * them into `sources.generated.ts` at build time, so `src/lua/` reads no file at run time.
 */
import type {PreludeChunk} from '../vm/program.js'
import {LUA_SOURCES} from './sources.generated.js'

/** The files in load order: each one's globals and `W` fields are there for the ones after it. */
export const PRELUDE_ORDER: readonly string[] = [
  'core.lua',
  'sandbox.lua',
  'errors.lua',
  'payload.lua',
  'loader.lua',
  'scheduler.lua',
  'os.lua',
  'range-guard.lua',
  'patterns.lua',
  'pattern-guard.lua',
  'channel.lua',
  'funcs.lua',
  'ctx.lua',
  'logger.lua',
  'env.lua',
  'uuid.lua',
  'workflow.lua',
  'process.lua',
  'time-zones.lua',
  'time.lua',
  'time-parse.lua',
  'json.lua',
  'json-schema.lua',
  'base64.lua',
  'hash.lua',
  'crypto.lua',
  'events.lua',
  'runtime-types.lua',
  'security.lua',
  'text.lua',
  'userdata.lua',
]

function chunk(file: string): PreludeChunk {
  const text = LUA_SOURCES[file]
  if (text === undefined) throw new Error(`prelude file ${file} is missing from sources.generated.ts`)
  return {name: `@wippy/${file}`, text}
}

const unordered = Object.keys(LUA_SOURCES).filter((file) => !PRELUDE_ORDER.includes(file))
if (unordered.length > 0) throw new Error(`prelude files not in PRELUDE_ORDER: ${unordered.join(', ')}`)

export const PRELUDE: readonly PreludeChunk[] = PRELUDE_ORDER.map(chunk)
