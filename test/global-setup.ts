// vitest globalSetup: tests import src/ directly, and src/lua/prelude/index.ts imports the
// generated sources.generated.ts; (re)generate it from the .lua files before any test runs.
import {inlinePrelude} from '../scripts/inline-prelude.mjs'

export default function setup(): void {
  inlinePrelude()
}
