/**
 * The engine's view of the Lua runtime: one shared wasm instance, workflow programs built
 * from code versions, and the function host that runs `function.lua` entries (activities
 * and `wippy call`) against the current registry.
 */
import {FunctionHost, type LogLevel, type ProcessGateway} from '../hosts/functions/index.js'
import type {LuaErrorValue, LuaProgram, LuaProgramSpec} from '../lua/types.js'
import {runtimeLimitsFromEnv} from '../lua/vm/limits.js'
import {type LuaRuntime, sharedLuaRuntime} from '../lua/vm/runtime.js'
import type {Problem, Registry} from '../registry/index.js'
import {programSpecOf} from './code-catalog.js'

export interface LuaServicesBinding {
  env: Record<string, string | undefined>
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void
  processes?: ProcessGateway
  registry(): Registry
}

export class LuaServices {
  private functions?: FunctionHost

  /** The one wasm instance every Lua program of the engine runs in. */
  private constructor(readonly runtime: LuaRuntime) {}

  static async create(): Promise<LuaServices> {
    return new LuaServices(await sharedLuaRuntime())
  }

  /** Wires the function host to the engine (registry lookups, logs, env, process gateway). */
  async bind(binding: LuaServicesBinding): Promise<void> {
    this.runtime.configure(runtimeLimitsFromEnv(binding.env))
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(binding.env)) if (v !== undefined) env[k] = v
    this.functions = await FunctionHost.create({
      env,
      log: binding.log,
      ...(binding.processes ? {processes: binding.processes} : {}),
      resolveFunction: (id) => {
        const registry = binding.registry()
        const entry = registry.entries.get(id)
        return entry?.kind === 'function.lua' ? programSpecOf(registry, entry, 'function') : undefined
      },
      runtime: this.runtime,
    })
  }

  createProgram(spec: LuaProgramSpec): LuaProgram {
    return this.runtime.createProgram(spec)
  }

  /** Runs a function once (an activity attempt, or `wippy call`); never throws. */
  async callFunction(
    entry: string,
    args: unknown[],
    options: {context?: Record<string, unknown>; timeoutMs?: number},
  ): Promise<{error?: LuaErrorValue; value?: unknown}> {
    if (!this.functions)
      return {error: {kind: 'Unavailable', message: 'the function host is not started', retryable: true}}
    const call = this.functions.call(entry, args, options.context ? {context: options.context} : {})
    if (!options.timeoutMs) return call
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<{error: LuaErrorValue}>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            error: {
              kind: 'Timeout',
              message: `${entry} ran past its start_to_close_timeout of ${options.timeoutMs} ms`,
              retryable: true,
            },
          }),
        options.timeoutMs,
      )
      timer.unref()
    })
    try {
      return await Promise.race([call, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** A syntax checker for the registry loader (`wippy lint`, reloads). */
  syntaxChecker(): (text: string, chunkName: string) => Problem | undefined {
    return (text, chunkName) => {
      const problem = this.runtime.checkSyntax(text, chunkName)
      if (!problem) return undefined
      return {
        code: 'WIPPY_LUA_SYNTAX',
        file: chunkName,
        hint: 'Fix the Lua syntax error; the last good version keeps running meanwhile.',
        message: `Lua syntax error: ${problem.message}`,
        severity: 'error',
        ...(problem.line === undefined ? {} : {line: problem.line}),
        ...(problem.column === undefined ? {} : {column: problem.column}),
      }
    }
  }

  close(): void {
    this.functions?.close()
  }
}
