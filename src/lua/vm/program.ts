/**
 * One Lua program = one Lua state in the shared wasm instance, driven synchronously.
 *
 * The JS side stays small on purpose: the scheduler of Lua threads, channels and every
 * module live in the Lua prelude (portable, deterministic). A `start`/`step` is one
 * protected call into the prelude's `W.start(args)` / `W.step(deliveries)`, which runs
 * every runnable Lua thread until all are parked and returns the outcome as a table.
 *
 * Limits: a count hook charges instructions against a per-call budget, and a custom
 * allocator caps the state's memory. Both raise a Lua error and set a flag, so even a user
 * `pcall` that swallows the error cannot hide that the limit was hit.
 */
import {decodeCommand} from '../command-catalog.js'
import type {LuaCommand, LuaDelivery, LuaFailure, LuaProgram, LuaProgramSpec, StepOutcome} from '../types.js'
import {stripTypes} from '../dialect/strip-types.js'
import {LuaCodec} from './codec.js'
import {type LuaApi, LUA_OK, type PinnedChunk, REGISTRY_INDEX} from './lua-api.js'
import {type HeapBudget, HOST_MEMORY_KIND, HostLimitError} from './limits.js'

/** Default instruction budget per `start`/`step` call (~1–3 s of busy Lua). */
export const DEFAULT_INSTRUCTION_BUDGET = 200_000_000
/** Default memory cap per program. */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024
const HOOK_EVERY = 1000
/**
 * Wall time one start/step may take. The instruction budget cannot see work done inside C
 * functions (a pattern match, `string.rep`, `upper` of a huge string in a loop); the hook
 * still runs between them, so it checks the clock as well.
 */
export const DEFAULT_STEP_MS = 10_000
const LUA_MASKCOUNT = 8
/** `LUA_ERRMEM`: a load or call ran out of memory. */
const LUA_ERRMEM = 4
/** What a program sees when the wasm heap itself (not a cap) refuses an allocation. */
const HEAP_FULL = "the wasm heap shared by all Lua programs is full (not this program's own cap); retry later"

/** A prelude chunk: Lua text plus the chunk name tracebacks show (`@wippy/core.lua`). */
export interface PreludeChunk {
  /** Precompiled bytecode (string.dump of the text), when the runtime made it. */
  bytecode?: Uint8Array
  /** The bytecode pinned in the wasm heap, when the runtime made it. */
  pinned?: PinnedChunk
  name: string
  text: string
}

type LimitHit =
  | {
      kind: 'InstructionLimit' | 'MemoryLimit' | 'TimeLimit' | typeof HOST_MEMORY_KIND
      message: string
      retryable?: true
    }
  | undefined

/** A {@link LuaProgram} on wasmoon; see the module comment. */
export class WasmoonProgram implements LuaProgram {
  private readonly L: number
  private readonly codec: LuaCodec
  private readonly startRef: number
  private readonly stepRef: number
  private readonly resetRef: number
  private readonly budget: number
  private readonly memMax: number
  private memUsed = 0
  private executed = 0
  private readonly stepMs: number
  private deadline = 0
  private limit: LimitHit
  private closed = false
  private finished: StepOutcome | undefined

  constructor(
    private readonly api: LuaApi,
    spec: LuaProgramSpec,
    prelude: readonly PreludeChunk[],
    strip: (text: string) => string = stripTypes,
    /** The memory of all programs of the runtime together (none: only this program's cap). */
    private readonly shared?: HeapBudget,
  ) {
    this.budget = spec.limits?.instructions ?? DEFAULT_INSTRUCTION_BUDGET
    this.memMax = spec.limits?.memoryBytes ?? DEFAULT_MEMORY_BYTES
    this.stepMs = spec.limits?.stepMs ?? DEFAULT_STEP_MS
    this.L = api.newOwnedState({alloc: (ptr, osize, nsize) => this.alloc(ptr, osize, nsize), hook: (L) => this.hook(L)})
    if (!this.L) throw new Error('lua_newstate failed (out of memory)')
    const L = this.L
    try {
      api.openLibs(L)
      // Kept at stack slot 1 while the program is built: to pace the collector and to read
      // what the prelude allocated. The sandbox never sees it.
      api.getGlobal(L, 'collectgarbage')
      // The prelude only builds what it keeps: a collector running meanwhile would traverse
      // the growing heap over and over for nothing (measured ~15% of a VM's creation).
      this.collect('stop')
      const [core, ...rest] = prelude
      this.run(core!, undefined, 1)
      const wRef = api.ref(L)
      for (const chunk of rest) this.run(chunk, wRef, 0)
      api.rawGetI(L, REGISTRY_INDEX, wRef)
      const refOf = (field: string): number => {
        api.getField(L, -1, field)
        return api.ref(L)
      }
      const arrayMt = refOf('array_mt')
      const objectMt = refOf('object_mt')
      this.startRef = refOf('start')
      this.stepRef = refOf('step')
      this.resetRef = refOf('reset')
      const initRef = refOf('init')
      api.setTop(L, 1)
      this.chargePrelude()
      this.codec = new LuaCodec(api, arrayMt, objectMt)
      api.rawGetI(L, REGISTRY_INDEX, initRef)
      this.codec.push(L, specForLua(spec, strip))
      this.call(1, 0, 'init')
      this.restartCollector()
      api.setTop(L, 0)
      // The budget starts now: the prelude itself is trusted and not charged.
      api.setHook(L, api.hookCallback, LUA_MASKCOUNT, HOOK_EVERY)
    } catch (error) {
      this.close()
      throw error
    }
  }

  start(args: unknown[]): StepOutcome {
    return this.drive(this.startRef, args)
  }

  step(deliveries: LuaDelivery[]): StepOutcome {
    return this.drive(this.stepRef, deliveries)
  }

  /** True when the program can be {@link reset} and started again (no limit was hit). */
  get reusable(): boolean {
    return !this.closed && !this.limit
  }

  /**
   * Makes a finished program startable again with a fresh scheduler (used by function
   * pools). The loaded chunk and its module-level state survive, as in a warm platform VM;
   * `context` replaces what `ctx.get` sees, `pid` what `process.pid()` returns.
   */
  reset(context?: Record<string, unknown>, pid?: string): void {
    if (!this.reusable) throw new Error('the Lua program cannot be reused')
    const {api, L} = this
    api.setTop(L, 0)
    api.rawGetI(L, REGISTRY_INDEX, this.resetRef)
    this.codec.push(L, context ?? null)
    this.codec.push(L, pid ?? null)
    this.call(2, 0, 'reset')
    this.finished = undefined
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.shared) this.shared.used -= this.memUsed
    this.memUsed = 0
    if (this.L) {
      // Closing runs no user work; a hook tick in it would only see a stale deadline.
      this.api.setHook(this.L, 0, 0, 0)
      this.api.closeOwnedState(this.L)
    }
  }

  /** Bytes the Lua state currently holds (for pools and tests). */
  get memoryUsed(): number {
    return this.memUsed
  }

  private drive(fnRef: number, arg: unknown[]): StepOutcome {
    if (this.finished) return {...this.finished, commands: []}
    if (this.closed) throw new Error('the Lua program is closed')
    const {api, L} = this
    api.setTop(L, 0)
    api.rawGetI(L, REGISTRY_INDEX, fnRef)
    let outcome: StepOutcome
    try {
      this.codec.push(L, arg)
      const status = this.enterLua(1, 1)
      if (this.limit) outcome = {commands: [], error: {...this.limit}, status: 'failed'}
      else if (status !== LUA_OK) {
        outcome = {commands: [], error: {kind: 'Internal', message: api.toString(L, -1)}, status: 'failed'}
      } else outcome = this.readOutcome()
    } finally {
      api.setTop(L, 0)
    }
    if (outcome.status !== 'waiting') this.finished = outcome
    return outcome
  }

  /** The step's outcome from the stack top; a value the codec refuses (too deep, a cycle) fails the step. */
  private readOutcome(): StepOutcome {
    try {
      return toOutcome(this.codec.read(this.L, -1))
    } catch (error) {
      return {
        commands: [],
        error: {
          kind: 'PayloadTooLarge',
          message: `a value leaving Lua is refused: ${(error as Error).message}`,
          retryable: false,
        },
        status: 'failed',
      }
    }
  }

  /** Calls the `collectgarbage` kept at stack slot 1 (while the program is built only). */
  private collect(option: 'restart' | 'step' | 'stop', arg?: number): void {
    this.api.pushValue(this.L, 1)
    this.api.pushString(this.L, option)
    if (arg !== undefined) this.api.pushInteger(this.L, BigInt(arg))
    this.call(arg === undefined ? 1 : 2, 0, `collectgarbage("${option}")`)
  }

  /**
   * Turns the collector back on as if a full cycle had just ended (what Lua does after each
   * cycle with its default pause of 200%): the next cycle starts once the heap has doubled.
   * A plain restart would start a cycle at the very next allocation, only to find the
   * prelude's tables alive. `step` with a negative size sets that debt without collecting.
   * When an allocation hits the memory cap, Lua still runs an emergency full collection first.
   */
  private restartCollector(): void {
    this.collect('restart')
    this.collect('step', -Math.floor(this.memUsed / 1024))
  }

  /**
   * The prelude was loaded with Lua's C allocator (no JS call per block); from here on every
   * allocation goes through {@link alloc}, starting from what the state already holds, so
   * the cap counts exactly what it counted when the prelude went through {@link alloc} too.
   * `collectgarbage("count")` is Lua's own byte count (its allocator calls' sum), read from
   * stack slot 1 before the sandbox can see it; nothing allocates between the read and the switch.
   */
  private chargePrelude(): void {
    const {api, L} = this
    api.pushValue(L, 1)
    api.pushString(L, 'count')
    this.call(1, 1, 'collectgarbage("count")')
    this.memUsed = Math.round(api.toNumber(L, -1) * 1024)
    api.setTop(L, 1)
    if (this.memUsed > this.memMax) {
      throw new Error(`Lua prelude failed: memory limit of ${this.memMax} bytes exceeded (it needs ${this.memUsed})`)
    }
    if (this.shared) {
      if (this.shared.used + this.memUsed > this.shared.maxBytes) {
        this.memUsed = 0
        throw new HostLimitError(`a new Lua program cannot start: ${this.shared.exhausted}`)
      }
      this.shared.used += this.memUsed
    }
    api.useOwnerAllocator(L)
  }

  /** Loads and runs one prelude chunk, passing the prelude's private table `W` when given. */
  private run(chunk: PreludeChunk, wRef: number | undefined, nres: number): void {
    const {api, L} = this
    const status = chunk.pinned
      ? api.loadPinned(L, chunk.pinned)
      : chunk.bytecode
        ? api.loadBytes(L, chunk.bytecode, chunk.name, 'b')
        : api.load(L, chunk.text, chunk.name, 't')
    if (status !== LUA_OK) throw this.failure(status, `prelude ${chunk.name} does not compile: ${api.toString(L, -1)}`)
    if (wRef !== undefined) api.rawGetI(L, REGISTRY_INDEX, wRef)
    this.call(wRef === undefined ? 0 : 1, nres, chunk.name)
  }

  /**
   * The one way into Lua: every call (start, step, reset, the prelude's own calls) gets a
   * fresh instruction budget and wall-time deadline. A pooled program may sit idle for longer
   * than `stepMs` between calls; a deadline left over from its last call would make the next
   * hook tick raise TimeLimit in work that just began (ux-review finding 1).
   */
  private enterLua(nargs: number, nres: number): number {
    this.executed = 0
    this.deadline = Date.now() + this.stepMs
    return this.api.pcall(this.L, nargs, nres)
  }

  private call(nargs: number, nres: number, what: string): void {
    const {api, L} = this
    const status = this.enterLua(nargs, nres)
    if (status !== LUA_OK) throw this.failure(status, `Lua ${what} failed: ${api.toString(L, -1)}`)
  }

  /** Out of memory but not over this program's own cap: the host's failure (retryable), not the code's. */
  private failure(status: number, message: string): Error {
    if (status === LUA_ERRMEM && this.limit?.kind !== 'MemoryLimit')
      return new HostLimitError(`${message} (${HEAP_FULL})`)
    return new Error(message)
  }

  private alloc(ptr: number, osize: number, nsize: number): number {
    const api = this.api
    if (nsize === 0) {
      if (ptr) {
        this.memUsed -= osize
        if (this.shared) this.shared.used -= osize
        api.free(ptr)
      }
      return 0
    }
    const delta = ptr ? nsize - osize : nsize
    if (delta > 0 && this.memUsed + delta > this.memMax) {
      this.limit ??= {kind: 'MemoryLimit', message: `memory limit of ${this.memMax} bytes exceeded`}
      return 0
    }
    const shared = this.shared
    if (shared && delta > 0 && shared.used + delta > shared.maxBytes) {
      // Lua runs an emergency collection and asks again; if that fails too the error is the
      // host's, not the program's: the same work can succeed once other programs end.
      this.limit ??= {kind: HOST_MEMORY_KIND, message: shared.exhausted, retryable: true}
      return 0
    }
    const p = api.realloc(ptr, nsize)
    if (p) {
      this.memUsed += delta
      if (shared) shared.used += delta
    } else this.limit ??= {kind: HOST_MEMORY_KIND, message: HEAP_FULL, retryable: true}
    return p
  }

  private hook(L: number): void {
    this.executed += HOOK_EVERY
    if (this.executed > this.budget && !this.limit) {
      this.limit = {kind: 'InstructionLimit', message: `instruction budget of ${this.budget} exceeded (runaway loop?)`}
    }
    if (!this.limit && Date.now() > this.deadline) {
      this.limit = {
        kind: 'TimeLimit',
        message: `ran for more than ${this.stepMs} ms without waiting (runaway work in a library call?)`,
      }
    }
    if (this.limit) {
      // Fire on every instruction from now on: a user pcall in a loop would otherwise catch
      // the error at the same phase of every round, forever.
      this.api.setHook(L, this.api.hookCallback, LUA_MASKCOUNT, 1)
      this.api.pushString(L, this.limit.message)
      this.api.error(L)
    }
  }
}

function specForLua(spec: LuaProgramSpec, strip: (text: string) => string): Record<string, unknown> {
  const imports: Record<string, unknown> = {}
  for (const [alias, src] of Object.entries(spec.imports ?? {})) {
    imports[alias] = {chunk: src.chunkName, entry: src.entryId, text: strip(src.text)}
  }
  return {
    context: spec.context ?? {},
    imports,
    kind: spec.kind,
    method: spec.method ?? null,
    modules: spec.modules,
    pid: spec.pid ?? '',
    seed: spec.seed ?? 0,
    source: {chunk: spec.source.chunkName, entry: spec.source.entryId, text: strip(spec.source.text)},
    workflow: spec.workflow ?? {},
  }
}

function toOutcome(raw: unknown): StepOutcome {
  const o = (raw ?? {}) as Record<string, unknown>
  const commands = Array.isArray(o.commands) ? (o.commands as unknown[]).map(toCommand) : []
  if (o.status === 'done') {
    const out: StepOutcome = {commands, result: o.result ?? null, status: 'done'}
    if (o.error) out.error = o.error as LuaFailure
    return out
  }
  if (o.status === 'failed') return {commands, error: o.error as LuaFailure, status: 'failed'}
  return {commands, status: 'waiting'}
}

/** The VM's raw command → a decoded one (validated and normalised once, see command-catalog.ts). */
function toCommand(raw: unknown): LuaCommand {
  return decodeCommand(raw)
}
