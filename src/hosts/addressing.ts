/**
 * The contract between the hosts and the node that addresses them (engine/node.ts): a host
 * registers as the owner of some PIDs and answers for them; it reaches every PID it does not
 * own through the node alone, never through another host. So hosts depend on this module and
 * not on one another, and the engine can build the node first and the hosts after it.
 */
import type {LuaDelivery, LuaErrorValue} from '../lua/types.js'
import type {StartOptions} from './start-options.js'

/** A finished process, workflow or call: its return value, or the error it failed with. */
export interface ExitResult {
  error?: LuaErrorValue
  value?: unknown
}

/** An operation's answer; `pid` is the PID the destination resolved to. */
export interface Delivered extends ExitResult {
  pid?: string
}

/** Who acts, and how. */
export interface Origin {
  /** The acting PID ('wippy-cli' from the CLI, '' when nobody). */
  from: string
  /**
   * Issued by Lua code: a workflow blocked by its code queues the delivery, and failures come
   * back as error values. Otherwise (the CLI) a destination may be a workflow ID prefix, a
   * blocked workflow refuses, and failures throw WippyErrors.
   */
  code: boolean
}

/** How a watcher learns of a target's end: EXIT (monitor), LINK_DOWN (link), or an exec's result. */
export type WatchKind = 'exec' | 'link' | 'monitor'

/** How a watched PID ended. */
export interface EndNotice {
  at: number
  result: ExitResult
}

/** A start as the node hands it to the host that runs it. */
export interface StartSpec {
  args: unknown[]
  entry: string
  /** The `process.host` or `temporal.worker` entry ID (or task queue) to run on. */
  host: string
  options: StartOptions
  origin: Origin
}

/** A host as the node sees it. */
export interface PidOwner {
  /** `update`: the PIDs of the CLI's workflow updates (engine/updates.ts). */
  readonly kind: 'function' | 'process' | 'update' | 'workflow'
  /** True when `dest` (an exact PID, a name, a workflow ID) is this host's. */
  owns(dest: string): boolean
  /** The canonical PID of one of this host's destinations (a workflow ID → its PID). */
  pidOf?(dest: string): string | undefined
  /** Answers for a destination nobody owns (its error message), for code or for the CLI. */
  readonly fallbackFor?: 'cli' | 'code'
  send(dest: string, topic: string, payload: unknown[], origin: Origin): Delivered | Promise<Delivered>
  cancel(dest: string, reason: string, origin: Origin): Delivered | Promise<Delivered>
  terminate(dest: string, reason: string, origin: Origin): Delivered | Promise<Delivered>
  /** True when this host runs starts on `host` (a host entry ID). */
  startsOn?(host: string): boolean
  start?(spec: StartSpec): Promise<{error: LuaErrorValue} | {pid: string}> | {error: LuaErrorValue} | {pid: string}
  /**
   * Calls `callback` once when `pid` ends (at once if it has); returns how to stop waiting,
   * or undefined when `pid` is not one of this host's.
   */
  onEnd(pid: string, callback: (end: EndNotice) => void): (() => void) | undefined
  /** A watch of one of this host's PIDs fired (monitor or link; exec goes to its promise). */
  notify?(watcher: string, how: 'link' | 'monitor', target: string, end: EndNotice): void
  /** The number of live watches held by `watcher` went up or down by one. */
  held?(watcher: string, delta: 1 | -1): void
}

/** Process names (`process.registry.*`), kept by the process host. */
export interface NameDirectory {
  lookup(name: string): string | undefined
  registerPid(name: unknown, pid: string): ExitResult
  unregisterName(name: unknown): boolean
}

/** What a host may ask of the node: every PID it does not own goes through here. */
export interface Addressing {
  register(owner: PidOwner): void
  resolve(dest: string): PidOwner | undefined
  send(dest: string, topic: string, payload: unknown[], origin: Origin): Promise<Delivered>
  cancel(dest: string, reason: string, origin: Origin): Promise<Delivered>
  terminate(dest: string, reason: string, origin: Origin): Promise<Delivered>
  /** Where a start on `host` runs ('' → the entry's `meta.default_host`). */
  startTarget(entry: string, host: string): {host: string; owner?: PidOwner}
  start(spec: StartSpec): Promise<{error: LuaErrorValue} | {pid: string}>
  watch(watcher: string, target: string, how: 'link' | 'monitor'): ExitResult
  unwatch(watcher: string, target: string, how: WatchKind): void
  /** Resolves with `target`'s result when it ends (unless `watcher` ends or unwatches first). */
  exec(watcher: string, target: string): Promise<ExitResult>
  /** Drops every watch `watcher` holds (it ended). */
  unwatchAll(watcher: string): void
  /** The process names, when a process host is registered. */
  names(): NameDirectory | undefined
  setNames(names: NameDirectory): void
}

/**
 * The engine's function host as processes see it (`funcs.call` / `funcs.async`): what the
 * process host needs besides the node, so that it never imports another host.
 */
export interface FunctionGateway {
  call(entry: string, args: unknown[], options: {context?: Record<string, unknown>}): Promise<ExitResult>
}

/** A function call's mailbox, as the hosts that answer the call see it. */
export interface CallerMailbox {
  closed: boolean
  /** Events the call's driver still waits for (one per watch it holds). */
  expected: number
  push(delivery: LuaDelivery): void
}

/** A function call issuing `process.*` commands: its entry, its PID, and where its events go. */
export interface FunctionCaller {
  entryId: string
  mailbox: CallerMailbox
  pid?: string
}
