/**
 * Loads wasmoon's wasm module and, when it can, captures the instance's raw exports.
 *
 * Why: wasmoon's glue is an emscripten debug build: every `Module._lua_*` is a wrapper that
 * asserts the runtime is ready and forwards with `apply(null, arguments)`. We make tens of
 * these calls per host round trip and thousands per VM creation (the allocator too), and the
 * wrappers measured ~10% of the CPU of a round trip. The raw exports are the same functions
 * without the wrapper, but the glue keeps them private; the only way to see them is the
 * `WebAssembly.instantiate` call the glue makes, so we watch it while the module loads.
 *
 * If the capture fails (another wasmoon version, a streaming instantiation), callers fall
 * back to the wrapped functions: same signatures, only slower.
 */
import {LuaFactory, type LuaWasm} from 'wasmoon'

/** The slice of a `WebAssembly.Memory` we use (this project's TS libs do not declare WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike
}

/** The raw wasm exports of one instance (functions by their C name, plus `memory`). */
export type RawExports = Record<string, unknown> & {memory: WasmMemory}

type Instantiate = (...args: unknown[]) => Promise<unknown>
interface WasmGlobal {
  Memory: abstract new (...args: never[]) => WasmMemory
  instantiate: Instantiate
}
const wasmGlobal = (): WasmGlobal => (globalThis as unknown as {WebAssembly: WasmGlobal}).WebAssembly

interface Watch {
  active: number
  captured: RawExports[]
  original: Instantiate
}

/** The watch is shared through globalThis so that overlapping loads restore the original once. */
const WATCH_KEY = Symbol.for('wippy.lua.instantiate-watch')

/** Loads a new wasmoon module; `raw` is its instance's exports when they could be captured. */
export async function loadLuaModule(): Promise<{raw?: RawExports; wasm: LuaWasm}> {
  const watch = startWatch()
  try {
    const wasm = await new LuaFactory().getLuaModule()
    const heap = (wasm.module as unknown as {HEAPU8: Uint8Array}).HEAPU8.buffer
    const i = watch.captured.findIndex((e) => e.memory.buffer === heap)
    const raw = i >= 0 ? watch.captured.splice(i, 1)[0] : undefined
    return raw && typeof raw.lua_newstate === 'function' ? {raw, wasm} : {wasm}
  } finally {
    stopWatch(watch)
  }
}

function startWatch(): Watch {
  const g = globalThis as unknown as Record<symbol, Watch | undefined>
  let watch = g[WATCH_KEY]
  if (!watch) {
    const wasm = wasmGlobal()
    const original = wasm.instantiate
    const w: Watch = {active: 0, captured: [], original}
    wasm.instantiate = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
      const result = await original.apply(this, args)
      // instantiate(bytes) gives {module, instance}; instantiate(module) gives the instance.
      const instance = ((result as {instance?: unknown}).instance ?? result) as {exports?: RawExports} | undefined
      const exports = instance?.exports
      if (exports && exports.memory instanceof wasm.Memory && typeof exports.lua_newstate === 'function')
        w.captured.push(exports)
      return result
    }
    watch = w
    g[WATCH_KEY] = w
  }
  watch.active++
  return watch
}

function stopWatch(watch: Watch): void {
  watch.active--
  if (watch.active > 0) return
  const g = globalThis as unknown as Record<symbol, Watch | undefined>
  wasmGlobal().instantiate = watch.original
  watch.captured.length = 0
  g[WATCH_KEY] = undefined
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any
/** The C functions we call, by their C name; a fixed shape so V8 keeps its call sites monomorphic. */
const FUNCTIONS = [
  'free',
  'luaL_loadbufferx',
  'luaL_newstate',
  'luaL_openlibs',
  'luaL_ref',
  'lua_checkstack',
  'lua_close',
  'lua_createtable',
  'lua_error',
  'lua_getallocf',
  'lua_getglobal',
  'lua_getmetatable',
  'lua_gettop',
  'lua_isinteger',
  'lua_newstate',
  'lua_next',
  'lua_pcallk',
  'lua_pushboolean',
  'lua_pushinteger',
  'lua_pushlstring',
  'lua_pushnil',
  'lua_pushnumber',
  'lua_pushvalue',
  'lua_rawequal',
  'lua_rawget',
  'lua_rawgeti',
  'lua_rawset',
  'lua_rawseti',
  'lua_setallocf',
  'lua_sethook',
  'lua_setmetatable',
  'lua_settop',
  'lua_toboolean',
  'lua_tointegerx',
  'lua_tolstring',
  'lua_tonumberx',
  'lua_type',
  'malloc',
  'realloc',
] as const
/** The C functions LuaApi calls, keyed `_name` like emscripten's Module. */
export type BoundFunctions = Record<`_${(typeof FUNCTIONS)[number]}`, Fn>

/** Picks each function from the raw exports when given (no emscripten assertion wrapper), else from the module. */
export function bindFunctions(module: Record<string, unknown>, raw: RawExports | undefined): BoundFunctions {
  const out: Record<string, Fn> = {}
  for (const name of FUNCTIONS) {
    const fast = raw?.[name]
    const fn = typeof fast === 'function' ? fast : module['_' + name]
    if (typeof fn !== 'function') throw new Error(`wasmoon does not export ${name}`)
    out['_' + name] = fn as Fn
  }
  return out as BoundFunctions
}
