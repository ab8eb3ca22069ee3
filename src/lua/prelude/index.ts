/**
 * The prelude chunks in load order. The first returns the private table `W`; the others
 * receive it. Chunk names start with `@wippy/` so tracebacks can hide runtime frames.
 */
import type {PreludeChunk} from '../vm/program.js'
import {CHANNEL_LUA} from './channel.js'
import {CODECS_LUA} from './codecs.js'
import {CORE_LUA} from './core.js'
import {CRYPTO_LUA} from './crypto.js'
import {DATA_LUA} from './data.js'
import {EVENTS_LUA} from './events.js'
import {JSON_SCHEMA_LUA} from './json-schema.js'
import {PATTERN_GUARD_LUA} from './pattern-guard.js'
import {PATTERNS_LUA} from './patterns.js'
import {PROCESS_LUA} from './process.js'
import {RANGE_GUARD_LUA} from './range-guard.js'
import {RUNTIME_TYPES_LUA} from './runtime-types.js'
import {SECURITY_LUA} from './security.js'
import {SERVICES_LUA} from './services.js'
import {TEXT_LUA} from './text.js'
import {TIME_PARSE_LUA} from './time-parse.js'
import {TIME_ZONES_LUA} from './time-zones.js'
import {TIME_LUA} from './time.js'
import {USERDATA_LUA} from './userdata.js'

export const PRELUDE: readonly PreludeChunk[] = [
  {name: '@wippy/core.lua', text: CORE_LUA},
  {name: '@wippy/range-guard.lua', text: RANGE_GUARD_LUA},
  {name: '@wippy/patterns.lua', text: PATTERNS_LUA},
  {name: '@wippy/pattern-guard.lua', text: PATTERN_GUARD_LUA},
  {name: '@wippy/channel.lua', text: CHANNEL_LUA},
  {name: '@wippy/services.lua', text: SERVICES_LUA},
  {name: '@wippy/process.lua', text: PROCESS_LUA},
  {name: '@wippy/time-zones.lua', text: TIME_ZONES_LUA},
  {name: '@wippy/time.lua', text: TIME_LUA},
  {name: '@wippy/time-parse.lua', text: TIME_PARSE_LUA},
  {name: '@wippy/data.lua', text: DATA_LUA},
  {name: '@wippy/json-schema.lua', text: JSON_SCHEMA_LUA},
  {name: '@wippy/codecs.lua', text: CODECS_LUA},
  {name: '@wippy/crypto.lua', text: CRYPTO_LUA},
  {name: '@wippy/events.lua', text: EVENTS_LUA},
  {name: '@wippy/runtime-types.lua', text: RUNTIME_TYPES_LUA},
  {name: '@wippy/security.lua', text: SECURITY_LUA},
  {name: '@wippy/text.lua', text: TEXT_LUA},
  {name: '@wippy/userdata.lua', text: USERDATA_LUA},
]
