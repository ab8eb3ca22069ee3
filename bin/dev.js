#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build). For working on wippy itself.
import {execute} from '@oclif/core'
import {inlinePrelude} from '../scripts/inline-prelude.mjs'

// The sources run as they are, so the Lua prelude's generated module is made here (see the script).
inlinePrelude()

await execute({development: true, dir: import.meta.url})
