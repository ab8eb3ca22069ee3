/**
 * A failed run's or call's error (a Lua error value: kind, message, retryable) in the one error
 * shape every `--json` output uses, `{code, message, hint, details}`; the Lua fields move to
 * `details`, so a script reads `.error.code` and `.error.message` whatever failed.
 */
import type {WippyErrorCode, WippyErrorJson} from '../errors.js'
import type {LuaErrorValue} from '../lua/types.js'

export function runErrorJson(error: LuaErrorValue, options: {code: WippyErrorCode; hint: string}): WippyErrorJson {
  const {message, ...lua} = error
  return {code: options.code, message, hint: options.hint, details: lua}
}
