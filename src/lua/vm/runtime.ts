/**
 * The Lua runtime: one wasmoon wasm instance shared by every program in the process
 * (a wasm instance reserves memory that never shrinks, so one per process is the measured
 * recommendation). Loading is async once; after that `createProgram` is synchronous.
 */
import {LuaFactory} from 'wasmoon'
import type {LuaProgramSpec} from '../types.js'
import {stripTypes} from '../dialect/strip-types.js'
import {PRELUDE} from '../prelude/index.js'
import {LuaApi, LUA_OK} from './lua-api.js'
import {WasmoonProgram} from './program.js'

/** A Lua syntax problem, positioned in the original (annotated) file. */
export interface LuaSyntaxProblem {
  column?: number
  line?: number
  message: string
}

/** Creates programs on one wasm instance. */
export class LuaRuntime {
  private constructor(private readonly api: LuaApi) {}

  /** Instantiates a new wasm instance (tens of ms). Most callers want {@link sharedLuaRuntime}. */
  static async load(): Promise<LuaRuntime> {
    const wasm = await new LuaFactory().getLuaModule()
    return new LuaRuntime(new LuaApi(wasm))
  }

  /** Builds a ready-to-start program: a fresh Lua state with the prelude and the spec. */
  createProgram(spec: LuaProgramSpec): WasmoonProgram {
    return new WasmoonProgram(this.api, spec, PRELUDE)
  }

  /** Compiles (without running) a Lua text after type stripping; returns the first problem. */
  checkSyntax(text: string, chunkName: string): LuaSyntaxProblem | undefined {
    const api = this.api
    const L = api.newPlainState()
    if (!L) throw new Error('lua_newstate failed')
    try {
      if (api.load(L, stripTypes(text), '@' + chunkName, 't') === LUA_OK) return undefined
      const raw = api.toString(L, -1)
      const m = /^(.*?):(\d+): (.*)$/s.exec(raw)
      if (!m) return {message: raw}
      const line = Number(m[2])
      const problem: LuaSyntaxProblem = {line, message: m[3]!}
      const near = /near '(.+)'$/.exec(m[3]!)
      if (near) {
        const col = (text.split('\n')[line - 1] ?? '').indexOf(near[1]!)
        if (col >= 0) problem.column = col + 1
      }
      return problem
    } finally {
      api.close(L)
    }
  }
}

/**
 * The process-wide runtime, created on first use. The memo lives on `globalThis` under a
 * symbol rather than in a module variable so that duplicated module copies (tests, bundles)
 * still share one wasm instance.
 */
export function sharedLuaRuntime(): Promise<LuaRuntime> {
  const key = Symbol.for('wippy.lua.runtime')
  const g = globalThis as unknown as Record<symbol, Promise<LuaRuntime> | undefined>
  g[key] ??= LuaRuntime.load()
  return g[key]
}
