/**
 * The limits of Lua programs: per call (instructions, wall time), per program (memory) and
 * per runtime (the memory of all its programs together, {@link HeapBudget}).
 *
 * Every program of a runtime lives in one wasm heap (2 GiB at most). A per-program cap alone
 * lets 36 programs of 55 MB fill it, and then any allocation anywhere fails, even the prelude
 * of a new program. The runtime's budget stops short of the heap's maximum, so the heap keeps
 * room for what the budget does not count (the pinned prelude, the scratch buffers, a new
 * state while its prelude loads with Lua's C allocator).
 */
import type {LuaProgramSpec} from '../types.js'

export type ProgramLimits = NonNullable<LuaProgramSpec['limits']>

/** The wasm heap's maximum (wasmoon's build). */
export const WASM_HEAP_MAX_BYTES = 2 * 1024 * 1024 * 1024
/** Default budget of all programs of one runtime: three quarters of the heap. */
export const DEFAULT_TOTAL_MEMORY_BYTES = 1536 * 1024 * 1024

/** The error kind of a failure caused by the runtime's shared budget, not the program's own cap. */
export const HOST_MEMORY_KIND = 'HostMemoryLimit'

/** A failure caused by the host (the shared memory budget); the same work may succeed later. */
export class HostLimitError extends Error {
  readonly kind = HOST_MEMORY_KIND
  readonly retryable = true
}

/** Bytes held by all programs of one runtime, against one cap. */
export class HeapBudget {
  used = 0
  constructor(public maxBytes: number) {}

  /** The message a program sees when the shared budget, not its own cap, refused it. */
  get exhausted(): string {
    return `the Lua runtime's shared memory budget of ${this.maxBytes} bytes is used up by all programs together (not this program's own cap); retry later`
  }
}

/** What a runtime applies to programs whose spec names no limits of its own. */
export interface RuntimeLimits {
  program: ProgramLimits
  totalMemoryBytes: number
}

/**
 * Limits from the dev server's environment (for tests and tight machines); a variable that
 * is not a positive integer is ignored, so the default applies:
 * `WIPPY_LUA_STEP_MS`, `WIPPY_LUA_INSTRUCTIONS`, `WIPPY_LUA_MEMORY_BYTES`, `WIPPY_LUA_TOTAL_MEMORY_BYTES`.
 */
export function runtimeLimitsFromEnv(env: Record<string, string | undefined>): RuntimeLimits {
  const int = (name: string): number | undefined => {
    const text = env[name]
    if (text === undefined || !/^\d+$/.test(text.trim())) return undefined
    const n = Number(text)
    return Number.isSafeInteger(n) && n > 0 ? n : undefined
  }
  const program: ProgramLimits = {}
  const stepMs = int('WIPPY_LUA_STEP_MS')
  const instructions = int('WIPPY_LUA_INSTRUCTIONS')
  const memoryBytes = int('WIPPY_LUA_MEMORY_BYTES')
  if (stepMs) program.stepMs = stepMs
  if (instructions) program.instructions = instructions
  if (memoryBytes) program.memoryBytes = memoryBytes
  const total = int('WIPPY_LUA_TOTAL_MEMORY_BYTES')
  return {program, totalMemoryBytes: Math.min(total ?? DEFAULT_TOTAL_MEMORY_BYTES, WASM_HEAP_MAX_BYTES)}
}
