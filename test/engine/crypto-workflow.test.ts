/**
 * The `crypto` module in durable workflows, on the real engine with real history files:
 * random bytes (and the nonces of encryption) are recorded as SideEffects, hex encoded, so
 * a restarted engine's replay hands the code the very same bytes; deterministic operations
 * (HMAC, decryption, PBKDF2) are recomputed and leave no events.
 */
import {afterEach, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {HistoryEvent} from '../../src/history/events.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const FILES: Record<string, string> = {
  'src/workflows/_index.yaml': `version: "1.0"
namespace: app.workflows
entries:
  - name: vault
    kind: workflow.lua
    source: file://vault.lua
    method: main
    modules: [crypto, time]
`,
  // Draws randomness, sleeps (so the engine can be restarted mid-run), then reports.
  'src/workflows/vault.lua': `local crypto = require("crypto")
local time = require("time")
local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end
local function main(msg)
  local key = string.rep("k", 32)
  local bytes = crypto.random.bytes(16)
  local str = crypto.random.string(12)
  local id = crypto.random.uuid()
  local ct = crypto.encrypt.aes(msg, key)
  local mac = crypto.hmac.sha256("secret", msg)
  local derived = crypto.pbkdf2("pw", "salt", 100, 16)
  time.sleep("1h")
  return {bytes = hex(bytes), str = str, id = id, ct = hex(ct), plain = crypto.decrypt.aes(ct, key),
    mac = mac, derived = hex(derived)}
end
return {main = main}
`,
}

function project(): TempProject {
  const p = writeProject(FILES)
  cleanups.push(() => p.remove())
  return p
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now()
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const sideEffects = (events: HistoryEvent[]) =>
  events.filter((e): e is Extract<HistoryEvent, {type: 'SideEffect'}> => e.type === 'SideEffect')

test('random bytes are recorded as hex SideEffects and a restarted engine replays the same bytes', async () => {
  // Given a workflow that drew randomness and is asleep
  const p = project()
  const first = await Engine.start({env: {}, root: p.root})
  const {id} = await first.spawn({entry: 'app.workflows:vault', input: ['attack at dawn']})
  await waitFor(() => first.ps().some((r) => r.id === id && r.waiting?.startsWith('sleeping') === true))
  const recorded = sideEffects((await first.history(id)).events)
  await first.close()

  // Then only the random draws were recorded (bytes, string, uuid, nonce), hex in JSON
  expect(recorded.map((e) => e.op)).toEqual([
    'crypto.random:16',
    'crypto.random:12',
    'crypto.random:16',
    'crypto.random:12',
  ])
  for (const e of recorded) expect(e.value).toMatch(/^([0-9a-f]{2})+$/)

  // When a new engine replays the run and wakes it
  const second = await Engine.start({env: {}, root: p.root})
  cleanups.push(() => second.close())
  expect(second.recovery).toMatchObject({open: 1})
  await second.skipTime(id, 'next-timer')
  const outcome = await second.wait(id)

  // Then the code saw exactly the recorded bytes: the random bytes, the nonce in front of
  // the ciphertext, and a UUID built from the recorded draw
  const r = outcome.result as {bytes: string; ct: string; id: string; plain: string; str: string}
  expect(r.bytes).toBe(recorded[0]!.value)
  expect(r.ct.slice(0, 24)).toBe(recorded[3]!.value)
  expect(r.id.replaceAll('-', '').slice(0, 12)).toBe(String(recorded[2]!.value).slice(0, 12))
  expect(r.str).toMatch(/^[A-Za-z0-9]{12}$/)
  expect(r.plain).toBe('attack at dawn')
  // And the deterministic operations left no events of their own
  const after = (await second.history(id)).events
  expect(sideEffects(after)).toHaveLength(4)

  // And the finished history replays cleanly; altering a recorded draw is caught
  expect(await second.checkEvents(after, id)).toMatchObject({ok: true})
  const altered = after.map((e) =>
    e.type === 'SideEffect' && e.op === 'crypto.random:16' ? {...e, value: '00'.repeat(16)} : e,
  )
  expect((await second.checkEvents(altered, id)).ok).toBe(false)
})
