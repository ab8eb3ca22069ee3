/**
 * The slice of the Lua C API we use, called through wasmoon's raw wasm exports.
 *
 * We skip wasmoon's `LuaEngine`/`Thread` layer on purpose: its value conversion has
 * measured bugs (see lua-vm-and-storage.md §A6) and its string reads stop at NUL bytes.
 * Here strings go through our own UTF-8 buffers with explicit lengths.
 */
import type {LuaWasm} from 'wasmoon'

import {type BoundFunctions, bindFunctions, type RawExports, type WasmMemory} from './wasm-exports.js'

/** `LUA_REGISTRYINDEX` for Lua 5.4 with `LUAI_MAXSTACK = 1000000`. */
export const REGISTRY_INDEX = -1_001_000
export const LUA_OK = 0
export const LUA_YIELD = 1

export const enum LuaT {
  None = -1,
  Nil = 0,
  Boolean = 1,
  LightUserdata = 2,
  Number = 3,
  String = 4,
  Table = 5,
  Function = 6,
  Userdata = 7,
  Thread = 8,
}

/* eslint-disable @typescript-eslint/no-explicit-any */

/** `LUA_EXTRASPACE` (sizeof(void*) on wasm32): bytes before every lua_State for the host. */
const EXTRASPACE = 4
/** Strings up to this many UTF-16 units / bytes take the hand-copied ASCII path. */
const SHORT_STRING = 32

/** What a Lua state's allocator and count hook call back into. */
export interface StateOwner {
  alloc(ptr: number, osize: number, nsize: number): number
  hook(L: number): void
}

/** A precompiled chunk kept in the wasm heap (see {@link LuaApi.pinChunk}). */
export interface PinnedChunk {
  buf: number
  len: number
  /** The chunk name as a C string. */
  name: number
}

/**
 * Thin typed wrappers over the wasm exports, plus NUL-safe string transfer. One per
 * runtime (one wasm instance); every method takes the `lua_State*` explicitly.
 */
export class LuaApi {
  readonly module: LuaWasm['module']
  private readonly m: BoundFunctions
  private readonly memory: WasmMemory | undefined
  private u8!: Uint8Array
  private u32!: Uint32Array
  private readonly encoder = new TextEncoder()
  private readonly decoder = new TextDecoder('utf-8')
  /** Owners by id (the allocator's `ud`); freed ids are reused so the array stays small. */
  private readonly owners: Array<StateOwner | undefined> = [undefined]
  private readonly freeIds: number[] = []
  private callbacks?: {alloc: number; hook: number}
  /** A pinned "b" (the mode string of binary chunks). */
  private binaryMode = 0
  /** Lua's own C allocator (lauxlib's l_alloc): used while the trusted prelude loads and to close. */
  private cAlloc = 0
  /** A reusable 4-byte cell for `size_t*` out-parameters. */
  private readonly lenCell: number
  /** A reusable heap buffer for pushing strings; grows on demand. */
  private scratch = 0
  private scratchSize = 0

  constructor(wasm: LuaWasm, raw?: RawExports) {
    this.module = wasm.module
    this.m = bindFunctions(wasm.module as unknown as Record<string, unknown>, raw)
    this.memory = raw?.memory
    this.refreshViews()
    this.lenCell = this.m._malloc(8)
  }

  /** The heap as bytes; re-made after the wasm memory grows (growing detaches the old buffer). */
  get heapU8(): Uint8Array {
    // Growing the memory detaches the old buffer, and a view of a detached buffer is empty:
    // cheaper to test than asking the memory for its buffer on every access.
    if (this.u8.length === 0) this.refreshViews()
    return this.u8
  }

  get heapU32(): Uint32Array {
    if (this.u32.length === 0) this.refreshViews()
    return this.u32
  }

  private currentBuffer(): ArrayBufferLike {
    return this.memory ? this.memory.buffer : (this.module as unknown as {HEAPU8: Uint8Array}).HEAPU8.buffer
  }

  private refreshViews(): void {
    const buffer = this.currentBuffer()
    this.u8 = new Uint8Array(buffer)
    this.u32 = new Uint32Array(buffer)
  }

  addFunction(fn: (...args: number[]) => number | void, sig: string): number {
    return this.module.addFunction(fn as (...args: any[]) => any, sig)
  }

  removeFunction(ptr: number): void {
    this.module.removeFunction(ptr)
  }

  /**
   * Creates a Lua state owned by `owner`, at first with Lua's C allocator: what the trusted
   * prelude allocates then costs no JS call (measured: ~a quarter of a VM's creation went to
   * the JS allocator). {@link useOwnerAllocator} then hands allocation to `owner`, which
   * enforces the memory cap, before any user code runs. The two C callbacks are registered
   * once per wasm instance, not once per state: emscripten's addFunction compiles a small
   * wasm module per call, which made each program ~3 ms slower to create and leaked native
   * memory. The allocator finds its owner through `ud`; the hook through the state's extra
   * space (Lua copies it into every thread of the state).
   */
  newOwnedState(owner: StateOwner): number {
    this.callbacks ??= {
      alloc: this.module.addFunction(
        (ud: number, ptr: number, osize: number, nsize: number) => this.owners[ud]!.alloc(ptr, osize, nsize),
        'iiiii',
      ),
      hook: this.module.addFunction((L: number) => {
        this.owners[this.heapU32[(L - EXTRASPACE) >> 2]!]?.hook(L)
      }, 'vii'),
    }
    const id = this.freeIds.pop() ?? this.owners.length
    this.owners[id] = owner
    const L = this.m._lua_newstate(this.cAllocator(), 0)
    if (!L) {
      this.releaseOwner(id)
      return 0
    }
    this.heapU32[(L - EXTRASPACE) >> 2] = id
    return L
  }

  /**
   * From now on the state allocates through its owner. Blocks made by the C allocator stay
   * valid: both allocators sit on the same malloc, so the owner can resize and free them.
   */
  useOwnerAllocator(L: number): void {
    this.m._lua_setallocf(L, this.callbacks!.alloc, this.heapU32[(L - EXTRASPACE) >> 2]!)
  }

  /** Closes a state made by {@link newOwnedState} and forgets its owner. */
  closeOwnedState(L: number): void {
    const id = this.heapU32[(L - EXTRASPACE) >> 2]!
    // Freeing needs no accounting: give the state back to the C allocator so that closing
    // it makes no JS call per block.
    this.m._lua_setallocf(L, this.cAllocator(), 0)
    this.m._lua_close(L)
    this.releaseOwner(id)
  }

  private releaseOwner(id: number): void {
    this.owners[id] = undefined
    this.freeIds.push(id)
  }

  private cAllocator(): number {
    if (!this.cAlloc) {
      const L = this.m._luaL_newstate()
      if (!L) throw new Error('lua_newstate failed (out of memory)')
      this.cAlloc = this.m._lua_getallocf(L, 0)
      this.m._lua_close(L)
    }
    return this.cAlloc
  }

  /** The shared count-hook callback (for `setHook`). */
  get hookCallback(): number {
    return this.callbacks!.hook
  }

  /** Pushes the global `name` (used only while the trusted prelude loads). */
  getGlobal(L: number, name: string): LuaT {
    const bytes = this.encoder.encode(name + '\0')
    const p = this.malloc(bytes.length)
    this.heapU8.set(bytes, p)
    try {
      return this.m._lua_getglobal(L, p)
    } finally {
      this.free(p)
    }
  }

  /** A bare state with the C allocator (used only to compile, never to run user code). */
  newPlainState(): number {
    return this.m._luaL_newstate()
  }

  openLibs(L: number): void {
    this.m._luaL_openlibs(L)
  }

  close(L: number): void {
    this.m._lua_close(L)
  }

  malloc(n: number): number {
    return this.m._malloc(n)
  }

  free(p: number): void {
    this.m._free(p)
  }

  realloc(p: number, n: number): number {
    return this.m._realloc(p, n)
  }

  getTop(L: number): number {
    return this.m._lua_gettop(L)
  }

  setTop(L: number, idx: number): void {
    this.m._lua_settop(L, idx)
  }

  checkStack(L: number, n: number): boolean {
    return this.m._lua_checkstack(L, n) !== 0
  }

  type(L: number, idx: number): LuaT {
    return this.m._lua_type(L, idx)
  }

  pushNil(L: number): void {
    this.m._lua_pushnil(L)
  }

  pushBoolean(L: number, b: boolean): void {
    this.m._lua_pushboolean(L, b ? 1 : 0)
  }

  pushNumber(L: number, n: number): void {
    this.m._lua_pushnumber(L, n)
  }

  pushInteger(L: number, n: bigint): void {
    this.m._lua_pushinteger(L, n)
  }

  pushValue(L: number, idx: number): void {
    this.m._lua_pushvalue(L, idx)
  }

  /** Pushes a JS string as UTF-8 bytes with an explicit length (NUL bytes survive). */
  pushString(L: number, s: string): void {
    const n = s.length
    if (n <= SHORT_STRING) {
      // Short ASCII (keys, ops, tags): copied by hand, cheaper than encodeInto on a fresh subarray.
      this.ensureScratch(n)
      const u8 = this.heapU8
      const base = this.scratch
      let i = 0
      for (; i < n; i++) {
        const c = s.charCodeAt(i)
        if (c > 0x7f) break
        u8[base + i] = c
      }
      if (i === n) {
        this.m._lua_pushlstring(L, base, n)
        return
      }
    }
    const max = n * 3 + 1
    this.ensureScratch(max)
    const {written} = this.encoder.encodeInto(s, this.heapU8.subarray(this.scratch, this.scratch + max))
    this.m._lua_pushlstring(L, this.scratch, written)
  }

  private ensureScratch(size: number): void {
    if (size <= this.scratchSize) return
    if (this.scratch) this.free(this.scratch)
    this.scratchSize = Math.max(size, 256)
    this.scratch = this.malloc(this.scratchSize)
  }

  /** Reads a string (or number coerced to string) at idx with its real length. */
  toString(L: number, idx: number): string {
    const ptr = this.m._lua_tolstring(L, idx, this.lenCell)
    if (!ptr) return ''
    const len = this.heapU32[this.lenCell >> 2]!
    const u8 = this.heapU8
    if (len <= SHORT_STRING) {
      // Short ASCII: decoded by hand, cheaper than a TextDecoder call on a fresh subarray.
      let out = ''
      let i = 0
      for (; i < len; i++) {
        const c = u8[ptr + i]!
        if (c > 0x7f) break
        out += String.fromCharCode(c)
      }
      if (i === len) return out
    }
    return this.decoder.decode(u8.subarray(ptr, ptr + len))
  }

  toBoolean(L: number, idx: number): boolean {
    return this.m._lua_toboolean(L, idx) !== 0
  }

  toNumber(L: number, idx: number): number {
    return this.m._lua_tonumberx(L, idx, 0)
  }

  toInteger(L: number, idx: number): bigint {
    return this.m._lua_tointegerx(L, idx, 0)
  }

  isInteger(L: number, idx: number): boolean {
    return this.m._lua_isinteger(L, idx) !== 0
  }

  createTable(L: number, narr: number, nrec: number): void {
    this.m._lua_createtable(L, narr, nrec)
  }

  rawSetI(L: number, idx: number, n: number): void {
    this.m._lua_rawseti(L, idx, BigInt(n))
  }

  rawGetI(L: number, idx: number, n: number): LuaT {
    return this.m._lua_rawgeti(L, idx, BigInt(n))
  }

  /** `t[k] = v` where t is at idx, k and v are the top two values; raw. */
  rawSet(L: number, idx: number): void {
    this.m._lua_rawset(L, idx)
  }

  /** `t[k]` raw, where t is at idx and k on top (replaced by the value). */
  rawGet(L: number, idx: number): LuaT {
    return this.m._lua_rawget(L, idx)
  }

  getField(L: number, idx: number, k: string): LuaT {
    this.pushString(L, k)
    return this.m._lua_rawget(L, idx < 0 && idx > REGISTRY_INDEX ? idx - 1 : idx)
  }

  setMetatable(L: number, idx: number): void {
    this.m._lua_setmetatable(L, idx)
  }

  getMetatable(L: number, idx: number): boolean {
    return this.m._lua_getmetatable(L, idx) !== 0
  }

  rawEqual(L: number, a: number, b: number): boolean {
    return this.m._lua_rawequal(L, a, b) !== 0
  }

  next(L: number, idx: number): boolean {
    return this.m._lua_next(L, idx) !== 0
  }

  ref(L: number): number {
    return this.m._luaL_ref(L, REGISTRY_INDEX)
  }

  /** Copies the raw bytes of the string at idx. */
  toBytes(L: number, idx: number): Uint8Array {
    const ptr = this.m._lua_tolstring(L, idx, this.lenCell)
    const len = this.heapU32[this.lenCell >> 2]!
    return this.heapU8.slice(ptr, ptr + len)
  }

  /**
   * Copies a precompiled chunk into the wasm heap for good (the runtime's prelude: loaded by
   * every new state, so it is not copied in and out each time). Never freed: the runtime
   * lives as long as the process.
   */
  pinChunk(bytes: Uint8Array, chunkName: string): PinnedChunk {
    const buf = this.malloc(bytes.length)
    this.heapU8.set(bytes, buf)
    const nameBytes = this.encoder.encode(chunkName + '\0')
    const name = this.malloc(nameBytes.length)
    this.heapU8.set(nameBytes, name)
    this.binaryMode ||= this.cString('b')
    return {buf, len: bytes.length, name}
  }

  /** Loads a chunk pinned by {@link pinChunk} (binary mode); returns the status. */
  loadPinned(L: number, chunk: PinnedChunk): number {
    return this.m._luaL_loadbufferx(L, chunk.buf, chunk.len, chunk.name, this.binaryMode)
  }

  private cString(text: string): number {
    const bytes = this.encoder.encode(text + '\0')
    const p = this.malloc(bytes.length)
    this.heapU8.set(bytes, p)
    return p
  }

  /** Loads a chunk from bytes (text or precompiled); returns the status. */
  loadBytes(L: number, bytes: Uint8Array, chunkName: string, mode: 'b' | 't'): number {
    const buf = this.malloc(bytes.length + 1)
    this.heapU8.set(bytes, buf)
    const nameBytes = this.encoder.encode(chunkName + '\0')
    const name = this.malloc(nameBytes.length)
    this.heapU8.set(nameBytes, name)
    const modePtr = this.malloc(2)
    this.heapU8[modePtr] = mode.charCodeAt(0)
    this.heapU8[modePtr + 1] = 0
    try {
      return this.m._luaL_loadbufferx(L, buf, bytes.length, name, modePtr)
    } finally {
      this.free(buf)
      this.free(name)
      this.free(modePtr)
    }
  }

  /** Loads a chunk from a JS string; returns the status (0 = ok, the function is on the stack). */
  load(L: number, text: string, chunkName: string, mode: 'b' | 't'): number {
    const bytes = this.encoder.encode(text)
    const buf = this.malloc(bytes.length + 1)
    this.heapU8.set(bytes, buf)
    const nameBytes = this.encoder.encode(chunkName + '\0')
    const name = this.malloc(nameBytes.length)
    this.heapU8.set(nameBytes, name)
    const modeBytes = this.encoder.encode(mode + '\0')
    const modePtr = this.malloc(modeBytes.length)
    this.heapU8.set(modeBytes, modePtr)
    try {
      return this.m._luaL_loadbufferx(L, buf, bytes.length, name, modePtr)
    } finally {
      this.free(buf)
      this.free(name)
      this.free(modePtr)
    }
  }

  pcall(L: number, nargs: number, nresults: number): number {
    return this.m._lua_pcallk(L, nargs, nresults, 0, 0, 0)
  }

  /** Raises the value on top of the stack as a Lua error (longjmps out of the caller). */
  error(L: number): never {
    this.m._lua_error(L)
    throw new Error('unreachable: lua_error returned')
  }

  setHook(L: number, fn: number, mask: number, count: number): void {
    this.m._lua_sethook(L, fn, mask, count)
  }
}
