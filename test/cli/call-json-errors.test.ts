/**
 * One `--json` error shape for `wippy call`, whatever failed: a Lua error (the function returned
 * `nil, err`) and a wippy error (no such entry) print the same top-level keys and
 * `{error: {code, message, ...}}`, and both exit 1. Through the built CLI, without a dev server
 * (the call runs on a scratch engine).
 */
import {rm} from 'node:fs/promises'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {makeProject} from '../helpers/dev-server.js'

let root: string
beforeAll(async () => {
  root = await makeProject('templates/approval')
})
afterAll(async () => {
  await rm(root, {force: true, recursive: true})
})

describe('wippy call --json errors', () => {
  it('prints the same error shape for a Lua error and a wippy error, and exits 1 for both', async () => {
    const lua = await runCli(['call', 'app.reviews:submit', '{}', '--json'], {cwd: root, timeout: 40_000})
    const wippy = await runCli(['call', 'app.reviews:missing', '--json'], {cwd: root, timeout: 40_000})
    expect(lua.exitCode, lua.stderr).toBe(1)
    expect(wippy.exitCode, wippy.stderr).toBe(1)
    const a = JSON.parse(lua.stdout) as {error: Record<string, unknown>}
    const b = JSON.parse(wippy.stdout) as {error: Record<string, unknown>}
    expect(Object.keys(a)).toEqual(['error'])
    expect(Object.keys(b)).toEqual(Object.keys(a))
    for (const out of [a, b]) {
      expect(out.error.code).toMatch(/^WIPPY_[A-Z0-9_]+$/)
      expect(typeof out.error.message).toBe('string')
      expect(typeof out.error.hint).toBe('string')
    }
    // The Lua error is a command failure: its code, a message naming the entry, the Lua fields in details
    expect(a.error).toMatchObject({
      code: 'WIPPY_CALL_FAILED',
      details: {message: expect.stringContaining('order_id is required')},
    })
    expect(a.error.message).toContain('app.reviews:submit returned an error')
    expect(a.error.message).toContain('order_id is required')
    expect(b.error.code).toBe('WIPPY_ENTRY_NOT_FOUND')
  }, 90_000)
})
