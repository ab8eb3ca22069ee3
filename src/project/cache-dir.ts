import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * wippy's per-user cache directory: `$WIPPY_CACHE_DIR`, else `$XDG_CACHE_HOME/wippy`, else
 * `~/.cache/wippy`. Returns undefined when `WIPPY_NO_CACHE` is set (to 1 or true).
 * Pass the environment in (commands pass `process.env`).
 */
export function userCacheDir(env: Record<string, string | undefined>): string | undefined {
  if (env.WIPPY_NO_CACHE === '1' || env.WIPPY_NO_CACHE === 'true') return undefined
  if (env.WIPPY_CACHE_DIR) return env.WIPPY_CACHE_DIR
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wippy')
}
