/**
 * A failed run's or call's error (a Lua error value: kind, message, retryable) as the details of
 * a {@link CommandFailed}: the one error shape every `--json` output uses, `{code, message, hint,
 * details}`, with the Lua fields in `details`, so a script reads `.error.code` and `.error.message`
 * whatever failed, and `.error.details.kind` for the Lua error's kind.
 */
import type {CommandFailed} from '../errors.js'
import type {LuaErrorValue} from '../lua/types.js'

export function runErrorDetails(error: LuaErrorValue, result?: Record<string, unknown>): CommandFailed['details'] {
  return {...error, ...(result === undefined ? {} : {result})}
}
