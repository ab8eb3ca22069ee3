/**
 * Whether wippy runs under CI, one detection for every command: `CI` or `CONTINUOUS_INTEGRATION`
 * set and not `0`/`false` (is-in-ci). There, no live output: Ink draws only its last frame at
 * exit, and progress lines that redraw turn into noise in a log.
 */
import isInCi from 'is-in-ci'

export function inCi(): boolean {
  return isInCi
}
