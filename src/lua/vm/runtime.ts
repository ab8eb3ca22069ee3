/**
 * The Lua runtime: one wasmoon wasm instance shared by every program in the process
 * (a wasm instance reserves memory that never shrinks, so one per process is the measured
 * recommendation). Loading is async once; after that `createProgram` is synchronous. A host
 * that instantiates the wasm itself (a sandbox with inlined bytes) uses {@link LuaRuntime.fromWasm}.
 */
import type {LuaWasm} from 'wasmoon'

import type {LuaProgramSpec} from '../types.js'
import {stripTypes} from '../dialect/strip-types.js'
import {PRELUDE} from '../prelude/index.js'
import {LuaApi, LUA_OK} from './lua-api.js'
import {DEFAULT_TOTAL_MEMORY_BYTES, HeapBudget, type RuntimeLimits} from './limits.js'
import {builtPreludeBytecode, matchingBytecode, type PreludeBytecode} from './prelude-cache.js'
import {type PreludeChunk, WasmoonProgram} from './program.js'
import {loadLuaModule, type RawExports} from './wasm-exports.js'

/** A Lua syntax problem, positioned in the original (annotated) file. */
export interface LuaSyntaxProblem {
  column?: number
  line?: number
  message: string
}

const STRIP_CACHE_SIZE = 256

/** Creates programs on one wasm instance. */
export class LuaRuntime {
  /** The prelude precompiled once: loading bytecode is ~10x cheaper than compiling text. */
  private readonly prelude: readonly PreludeChunk[]
  /** The memory of all programs of this runtime (one wasm heap) together. */
  private readonly budget = new HeapBudget(DEFAULT_TOTAL_MEMORY_BYTES)
  /** Limits for programs whose spec names none (see {@link configure}). */
  private programLimits: RuntimeLimits['program'] = {}

  /** Type-stripped sources by their text: every run of a workflow strips the same code. */
  private readonly stripped = new Map<string, string>()
  private readonly strip = (text: string): string => {
    let out = this.stripped.get(text)
    if (out === undefined) {
      // Bounded: a long dev session reloads code many times.
      if (this.stripped.size >= STRIP_CACHE_SIZE) this.stripped.clear()
      out = stripTypes(text)
      this.stripped.set(text, out)
    }
    return out
  }

  private constructor(
    private readonly api: LuaApi,
    built: Map<string, Uint8Array> | undefined,
  ) {
    this.prelude = precompile(api, PRELUDE, built)
  }

  /** Instantiates a new wasm instance (tens of ms). Most callers want {@link sharedLuaRuntime}. */
  static async load(): Promise<LuaRuntime> {
    const [{raw, wasm}, built] = await Promise.all([loadLuaModule(), builtPreludeBytecode(PRELUDE)])
    return new LuaRuntime(new LuaApi(wasm, raw), built)
  }

  /**
   * A runtime on a wasmoon module the host loaded itself, synchronously: no `LuaFactory`, no
   * watch on `WebAssembly.instantiate`, no dynamic import. `raw` are the instance's raw exports
   * (faster calls, see wasm-exports.ts); `bytecode` is the build's `PRELUDE_BYTECODE`
   * (dist/lua/vm/prelude-bytecode.js), used only when it was made for this prelude.
   */
  static fromWasm(wasm: LuaWasm, options: {bytecode?: PreludeBytecode; raw?: RawExports} = {}): LuaRuntime {
    return new LuaRuntime(new LuaApi(wasm, options.raw), matchingBytecode(options.bytecode, PRELUDE))
  }

  /** The prelude's bytecode by chunk name (what the build stores; see prelude-cache.ts). */
  preludeBytecode(): Map<string, Uint8Array> {
    return new Map(this.prelude.map((c) => [c.name, c.bytecode!]))
  }

  /** Builds a ready-to-start program: a fresh Lua state with the prelude and the spec. */
  createProgram(spec: LuaProgramSpec): WasmoonProgram {
    const limits = {...this.programLimits, ...spec.limits}
    return new WasmoonProgram(
      this.api,
      Object.keys(limits).length > 0 ? {...spec, limits} : spec,
      this.prelude,
      this.strip,
      this.budget,
    )
  }

  /**
   * Sets the default per-program limits and the shared memory budget (the engine calls it
   * once, from its environment). Programs already running keep counting against the budget.
   */
  configure(limits: RuntimeLimits): void {
    this.programLimits = {...limits.program}
    this.budget.maxBytes = limits.totalMemoryBytes
  }

  /** Bytes all live programs of this runtime hold, and the cap on them. */
  get memory(): {maxBytes: number; used: number} {
    return {maxBytes: this.budget.maxBytes, used: this.budget.used}
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
      // Lua gives no position when the whole text is refused (a text that starts like
      // precompiled bytecode, ESC 'L' 'u' 'a'): it is wrong from its first byte.
      if (!m)
        return {
          column: 1,
          line: 1,
          message: text.startsWith('\x1b')
            ? 'the file starts with the ESC byte of precompiled Lua bytecode; only Lua source text can be loaded'
            : raw,
        }
      const line = Number(m[2])
      const problem: LuaSyntaxProblem = {line, message: m[3]!}
      const near = /near '(.+)'$/.exec(m[3]!)
      if (near) {
        // approximate: the last occurrence of the token Lua stopped at on that line
        const col = (text.split('\n')[line - 1] ?? '').lastIndexOf(near[1]!)
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

function precompile(api: LuaApi, chunks: readonly PreludeChunk[], built?: Map<string, Uint8Array>): PreludeChunk[] {
  if (built) {
    return chunks.map((chunk) => {
      const bytecode = built.get(chunk.name)!
      return {...chunk, bytecode, pinned: api.pinChunk(bytecode, chunk.name)}
    })
  }
  const L = api.newPlainState()
  try {
    api.openLibs(L)
    return chunks.map((chunk) => {
      api.setTop(L, 0)
      if (api.load(L, 'local f = ...; return string.dump(f)', '=dump', 't') !== LUA_OK) throw new Error('dump helper')
      if (api.load(L, chunk.text, chunk.name, 't') !== LUA_OK) {
        throw new Error(`prelude ${chunk.name} does not compile: ${api.toString(L, -1)}`)
      }
      if (api.pcall(L, 1, 1) !== LUA_OK) throw new Error(`cannot precompile ${chunk.name}`)
      const bytecode = api.toBytes(L, -1)
      return {...chunk, bytecode, pinned: api.pinChunk(bytecode, chunk.name)}
    })
  } finally {
    api.close(L)
  }
}
