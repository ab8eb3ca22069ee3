import {readFile, readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {sharedLuaRuntime} from '../../src/lua/vm/runtime.js'
import {REPO} from './helpers.js'

/**
 * The LuaLS `---@meta` stubs for the Wippy API (editor/luals/wippy, copied into each
 * template). lua-language-server is packaged by neither Debian nor npm, so `--check` runs
 * only where it is installed; everywhere, the stubs are compiled in the real Lua VM, and
 * their functions are compared with what the sandbox prelude really exposes, so the
 * editor never offers a function wippy lacks, nor misses one it has.
 */
const STUBS = join(REPO, 'editor', 'luals', 'wippy')
const MODULES = [
  'funcs',
  'time',
  'uuid',
  'json',
  'process',
  'channel',
  'errors',
  'ctx',
  'logger',
  'workflow',
  'env',
  'crypto',
  'events',
  'base64',
  'hash',
  'security',
]
/** The modules a program has to require (the others are globals). */
const REQUIRED = [
  'funcs',
  'time',
  'uuid',
  'json',
  'ctx',
  'logger',
  'workflow',
  'env',
  'crypto',
  'events',
  'base64',
  'hash',
  'security',
]

const luals = await execa('lua-language-server', ['--version'], {reject: false}).then(
  (r) => r.exitCode === 0,
  () => false,
)

/** Lists the functions of every module and of the objects they return, from inside the sandbox. */
const INTROSPECT = String.raw`
local function fns(t)
  local out = {}
  for k, v in pairs(t) do if type(v) == 'function' then out[#out + 1] = k end end
  return out
end
local function methods(v) return fns(getmetatable(v).__index) end
local function main()
  local funcs, time, uuid, json = require('funcs'), require('time'), require('uuid'), require('json')
  local ctx, logger, workflow, env = require('ctx'), require('logger'), require('workflow'), require('env')
  local crypto, events, base64, hash, security = require('crypto'), require('events'), require('base64'), require('hash'), require('security')
  local out = {
    ['errors.errors'] = fns(errors), ['errors.Error'] = methods(errors.new('x')),
    ['channel.channel'] = fns(channel), ['channel.Channel'] = methods(channel.new()),
    ['process.process'] = fns(process), ['process.Spawner'] = methods(process.with_options({})),
    ['process.NameRegistry'] = fns(process.registry), ['process.payload'] = fns(payload),
    ['process.Payload'] = methods(payload.new(1)),
    ['funcs.funcs'] = fns(funcs), ['funcs.Executor'] = methods(funcs.new()), ['funcs.Future'] = methods(funcs.async('app:x')),
    ['time.time'] = fns(time), ['time.Time'] = methods(time.unix(0)),
    ['time.Duration'] = methods(time.parse_duration('1s')), ['time.Timer'] = methods(time.timer('1s')),
    ['uuid.uuid'] = fns(uuid), ['json.json'] = fns(json), ['ctx.ctx'] = fns(ctx),
    ['logger.logger'] = methods(logger), ['workflow.workflow'] = fns(workflow), ['env.env'] = fns(env),
    ['time.Location'] = methods(time.utc),
    ['crypto.crypto'] = fns(crypto),
    ['events.events'] = fns(events), ['events.Subscription'] = methods(events.subscribe('x')),
    ['base64.base64'] = fns(base64), ['hash.hash'] = fns(hash),
    ['security.security'] = fns(security), ['security.Actor'] = methods(security.new_actor('a')),
    ['security.Scope'] = methods(security.new_scope({})),
  }
  -- crypto's namespaces (crypto.random, crypto.hmac, ...) are stubbed as classes of their own.
  for k, v in pairs(crypto) do if type(v) == 'table' then out['crypto.' .. k] = fns(v) end end
  return out
end
return {main = main}
`

/** Real functions the stubs leave out on purpose. */
const NOT_STUBBED: Record<string, string[]> = {
  // `until` is a Lua keyword, so no stub can declare `function time.until`; until_ (its alias) is stubbed.
  'time.time': ['until'],
}

/** Stubbed objects the introspection cannot reach: a Message only arrives from the host. */
const NOT_INTROSPECTED = ['process.Message']

/** `function Owner.name(` / `function Owner:name(` declarations of one stub file, by owner. */
function declared(text: string, file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const m of text.matchAll(/^function (\w+)[.:](\w+)\(/gm)) {
    const key = `${file}.${m[1]}`
    if (!out.has(key)) out.set(key, new Set())
    out.get(key)?.add(m[2] ?? '')
  }
  return out
}

describe('the LuaLS stubs', () => {
  it('cover the modules of the issue, one file each, each a ---@meta file', async () => {
    const files = (await readdir(STUBS)).sort()
    expect(files).toEqual(MODULES.map((m) => `${m}.lua`).sort())
    for (const file of files)
      expect((await readFile(join(STUBS, file), 'utf8')).startsWith(`---@meta ${file.replace(/\.lua$/, '')}\n`)).toBe(
        true,
      )
  })

  it.each(MODULES)('%s.lua compiles in the real Lua VM', async (name) => {
    const runtime = await sharedLuaRuntime()
    const text = await readFile(join(STUBS, `${name}.lua`), 'utf8')
    expect(runtime.checkSyntax(text, `${name}.lua`)).toBeUndefined()
  })

  it('declare exactly the functions the sandbox provides', async () => {
    // Given what the prelude really exposes
    const runtime = await sharedLuaRuntime()
    const program = runtime.createProgram({
      kind: 'function',
      modules: REQUIRED,
      source: {chunkName: 'introspect.lua', entryId: 'test:introspect', text: INTROSPECT},
    })
    const outcome = program.start([])
    program.close()
    expect(outcome.status, JSON.stringify(outcome)).toBe('done')
    const real = (outcome as {result: Record<string, string[]>}).result

    // And what the stubs declare
    const stubs = new Map<string, Set<string>>()
    for (const name of MODULES) {
      for (const [k, v] of declared(await readFile(join(STUBS, `${name}.lua`), 'utf8'), name)) stubs.set(k, v)
    }

    // Then they match owner by owner
    const missing: string[] = []
    const extra: string[] = []
    for (const [owner, names] of Object.entries(real)) {
      const expected = new Set(names.filter((n) => !(NOT_STUBBED[owner] ?? []).includes(n)))
      const have = stubs.get(owner) ?? new Set<string>()
      for (const n of expected) if (!have.has(n)) missing.push(`${owner}.${n}`)
      for (const n of have) if (!expected.has(n)) extra.push(`${owner}.${n}`)
    }
    // And no stub declares functions on an owner the sandbox lacks altogether
    for (const [owner, names] of stubs) {
      if (!(owner in real) && !NOT_INTROSPECTED.includes(owner)) for (const n of names) extra.push(`${owner}.${n}`)
    }
    expect({extra, missing}).toEqual({extra: [], missing: []})
  })

  it.runIf(luals)('pass lua-language-server --check', async () => {
    const result = await execa('lua-language-server', ['--check', STUBS, '--checklevel=Warning'], {reject: false})
    expect(result.exitCode, String(result.stdout)).toBe(0)
  })
})
