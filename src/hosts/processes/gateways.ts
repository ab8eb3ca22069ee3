/**
 * What the process host needs from the rest of the engine besides the node: functions
 * (`funcs.call` from a process). The process host never imports another host.
 */
import type {ExitResult} from '../addressing.js'

export type {ExitResult} from '../addressing.js'

/** The engine's function host as processes see it (`funcs.call` / `funcs.async`). */
export interface FunctionGateway {
  call(entry: string, args: unknown[], options: {context?: Record<string, unknown>}): Promise<ExitResult>
}
