/**
 * The contract between the Lua runtime (`src/lua/`) and the hosts that run Lua code
 * (function pool, process host, durable workflow host, later a Temporal host).
 *
 * Lua code never does anything itself: every Wippy API call that touches the outside
 * world yields a {@link LuaCommand}. The host decides what it means (run it now, record
 * it, replay it) and later hands back a {@link LuaDelivery}. A program is driven in
 * synchronous steps: `start()` then `step(deliveries)`; each returns the commands issued
 * while running every Lua thread that could run, and whether the program is done.
 *
 * Determinism: given the same sequence of `start` args and `step` deliveries, a program
 * issues the same commands in the same order (the Lua-side scheduler is FIFO, `pairs` is
 * sorted, `math.random` is seeded). The workflow host relies on this for replay.
 *
 * This module and everything under `src/lua/` stay free of Node-only APIs (fs, process,
 * timers, crypto): a Temporal host will run them inside Temporal's workflow sandbox.
 */

/** A Wippy error value as it crosses the boundary (Lua `errors` objects ⇄ JS). */
export interface LuaErrorValue {
  details?: unknown
  /** CamelCase kind, e.g. `NotFound`, `Invalid`, `Internal`, `Canceled`, `Timeout`. */
  kind?: string
  message: string
  retryable?: boolean
}

/** A Lua failure: an error raised and not caught, with where it happened. */
export interface LuaFailure extends LuaErrorValue {
  /** Source file of the innermost user frame, e.g. `src/app/order.lua`. */
  file?: string
  line?: number
  traceback?: string
}

/**
 * A command yielded by Lua ({@link LuaCommand}, discriminated on its {@link LuaOp}) and
 * every op's arguments, options and policy live in the command catalog, `command-catalog.ts`.
 * Blocking ops park the calling Lua thread until a `result` delivery with the same tag
 * arrives; non-blocking ones (`funcs.async`, `time.timer`) return at once and route their
 * later result to a channel or future.
 */
export type {LuaCommand, LuaOp} from './command-catalog.js'
import type {LuaCommand} from './command-catalog.js'

/** Something the host hands to a running program. */
export type LuaDelivery =
  /** Completes the command with this tag: the Lua stub returns `value, error`. */
  | {error?: LuaErrorValue; kind: 'result'; tag: number; value?: unknown}
  /** A message for the process: routed to `listen(topic)` channels, else `inbox()`. */
  | {from: string; kind: 'message'; payload: unknown[]; topic: string}
  /** A lifecycle event for `process.events()`. */
  | {event: ProcessEvent; kind: 'event'}

export interface ProcessEvent {
  at?: number
  from: string
  kind: 'pid.cancel' | 'pid.exit' | 'pid.link.down'
  reason?: string
  result?: {error?: LuaErrorValue; value?: unknown}
}

/** What one `start`/`step` produced. */
export type StepOutcome =
  /** Every runnable Lua thread is parked on a command or a channel; feed deliveries. */
  | {commands: LuaCommand[]; status: 'waiting'}
  /** `main` returned (`error` set when it returned `nil, err` or a string second value). */
  | {commands: LuaCommand[]; error?: LuaErrorValue; result: unknown; status: 'done'}
  /** An error was raised and not caught (incl. deadlock, memory or instruction limits). */
  | {commands: LuaCommand[]; error: LuaFailure; status: 'failed'}

/** One Lua source, already read from disk (the runtime never touches files). */
export interface LuaSource {
  /** Name errors and tracebacks show, relative to the project root: `src/app/order.lua`. */
  chunkName: string
  /** The registry entry ID, e.g. `app.workflows:order`. */
  entryId: string
  /** Lua text, possibly with Luau-style type annotations (stripped before loading). */
  text: string
}

export interface LuaProgramSpec {
  /** Values for `ctx.get` / `ctx.all`. */
  context?: Record<string, unknown>
  /** `imports:` aliases → `library.lua` sources, loadable with `require(alias)`. */
  imports?: Record<string, LuaSource>
  kind: 'function' | 'process' | 'workflow'
  /**
   * Limits per start/step, generous but finite by default: Lua instructions, bytes held, and
   * wall time (ms; catches long C work the instruction count misses).
   */
  limits?: {instructions?: number; memoryBytes?: number; stepMs?: number}
  /** The export to run (`main` by default for processes and workflows). */
  method?: string
  /** `modules:` allow-list: what `require(name)` may load. */
  modules: string[]
  /** The running program's PID (what `process.pid()` returns). */
  pid?: string
  /** Seed for the sandbox's `math.random` (recorded in a workflow's history). */
  seed?: number
  source: LuaSource
  /** What `workflow.info()` returns (workflow_id, run_id, workflow_type, attempt, ...). */
  workflow?: Record<string, unknown>
}

/** A loaded Lua program (one VM). Synchronous; never touches the outside world itself. */
export interface LuaProgram {
  close(): void
  start(args: unknown[]): StepOutcome
  step(deliveries: LuaDelivery[]): StepOutcome
}
