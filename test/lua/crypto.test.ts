import {createDecipheriv, createHmac, pbkdf2Sync} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {executeCryptoCommand} from '../../src/hosts/ops/crypto.js'
import type {LuaCommand, LuaDelivery} from '../../src/lua/types.js'
import {procProject, startHost} from '../processes/helpers.js'
import {resultOf, run} from './helpers.js'

/**
 * The `crypto` module in the real Lua VM, answered by the real host ops (Node's crypto).
 * Byte strings cross the codec hex encoded, so results are checked against Node directly.
 */
// The crypto ops go to the real host code; os.time() (JWT expiry) reads the wall clock.
const host = (cmd: LuaCommand): LuaDelivery =>
  cmd.op === 'time.now'
    ? {kind: 'result', tag: cmd.tag, value: BigInt(Date.now()) * 1_000_000n}
    : executeCryptoCommand(cmd)
const value = async (src: string, answer: (cmd: LuaCommand) => LuaDelivery = host) =>
  resultOf((await run(src, answer, {modules: ['crypto']})).outcome)
const hexOf = `local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end`

describe('crypto.random', () => {
  it('gives bytes, strings and v4 UUIDs of the asked size; bad lengths and charsets are Invalid', async () => {
    const r = (await value(`local crypto = require("crypto") return function()
      local a = crypto.random.bytes(64)
      local b = crypto.random.bytes(64)
      local s = crypto.random.string(40)
      local h = crypto.random.string(16, "01")
      local u = crypto.random.uuid()
      local _, e0 = crypto.random.bytes(0)
      local _, e1 = crypto.random.bytes(-1)
      local _, e2 = crypto.random.bytes(1048577)
      local _, e3 = crypto.random.string(5, "")
      return {#a, a ~= b, #s, s:match("^[%w]+$") ~= nil, h:match("^[01]+$") ~= nil, #h, u,
        e0:kind(), e1:kind(), e2:kind(), e3:kind(), e0:retryable()}
    end`)) as unknown[]
    expect(r.slice(0, 6)).toEqual([64, true, 40, true, true, 16])
    expect(r[6]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(r.slice(7)).toEqual(['Invalid', 'Invalid', 'Invalid', 'Invalid', false])
  })

  it('keeps every byte value intact across the codec (all 256 from a fixed answer)', async () => {
    // Given a host that answers crypto.random with the bytes 0..255
    const all = Buffer.from(Array.from({length: 256}, (_, i) => i)).toString('hex')
    const fixed = (cmd: LuaCommand): LuaDelivery =>
      cmd.op === 'crypto.random' ? {kind: 'result', tag: cmd.tag, value: all} : host(cmd)
    // When Lua reads them back byte by byte
    const r = await value(
      `local crypto = require("crypto") return function()
      local b = crypto.random.bytes(256)
      for i = 1, 256 do if b:byte(i) ~= i - 1 then return i end end
      return #b
    end`,
      fixed,
    )
    // Then each byte is the one the host gave
    expect(r).toBe(256)
  })
})

describe('crypto.hmac', () => {
  it('matches Node for SHA-256 and SHA-512 on binary keys and data; an empty key is Invalid', async () => {
    const r = (await value(`local crypto = require("crypto") return function()
      local key, data = "k\\0\\255\\128", "d\\0\\1\\2\\200"
      local _, e = crypto.hmac.sha256("", "data")
      return {crypto.hmac.sha256(key, data), crypto.hmac.sha512(key, data), crypto.hmac.sha256("secret", ""), e:kind(), e:retryable()}
    end`)) as unknown[]
    const key = Buffer.from([0x6b, 0, 255, 128])
    const data = Buffer.from([0x64, 0, 1, 2, 200])
    expect(r).toEqual([
      createHmac('sha256', key).update(data).digest('hex'),
      createHmac('sha512', key).update(data).digest('hex'),
      createHmac('sha256', 'secret').update('').digest('hex'),
      'Invalid',
      false,
    ])
  })
})

describe('crypto.encrypt / crypto.decrypt', () => {
  it('round-trips AES-128/192/256-GCM and ChaCha20-Poly1305, with and without AAD, binary plaintext included', async () => {
    const r = await value(`local crypto = require("crypto") return function()
      local msg = "bin\\0\\255\\1 text"
      local out = {}
      for _, k in ipairs({string.rep("a", 16), string.rep("b", 24), string.rep("c", 32)}) do
        local ct = crypto.encrypt.aes(msg, k)
        local ct2 = crypto.encrypt.aes(msg, k, "aad")
        out[#out + 1] = crypto.decrypt.aes(ct, k) == msg and crypto.decrypt.aes(ct2, k, "aad") == msg and #ct == 12 + #msg + 16
      end
      local k = string.rep("z", 32)
      local cc = crypto.encrypt.chacha20(msg, k, "x")
      out[#out + 1] = crypto.decrypt.chacha20(cc, k, "x") == msg and #cc == 12 + #msg + 16
      out[#out + 1] = crypto.encrypt.aes(msg, k) ~= crypto.encrypt.aes(msg, k)
      return out
    end`)
    expect(r).toEqual([true, true, true, true, true])
  })

  it('lays out nonce ‖ ciphertext ‖ tag, so Node decrypts what Lua encrypted', async () => {
    const hex = (await value(`local crypto = require("crypto") ${hexOf} return function()
      return hex((crypto.encrypt.aes("hello", string.rep("k", 32), "ad")))
    end`)) as string
    const b = Buffer.from(hex, 'hex')
    const d = createDecipheriv('aes-256-gcm', Buffer.from('k'.repeat(32)), b.subarray(0, 12))
    d.setAAD(Buffer.from('ad'))
    d.setAuthTag(b.subarray(b.length - 16))
    expect(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]).toString()).toBe('hello')
  })

  it('reports bad keys as Invalid, tampering and wrong keys or AAD as Internal, none retryable', async () => {
    const r = await value(`local crypto = require("crypto") return function()
      local k = string.rep("a", 32)
      local ct = crypto.encrypt.aes("secret", k, "aad")
      local _, e1 = crypto.encrypt.aes("x", "short")
      local _, e2 = crypto.encrypt.chacha20("x", string.rep("a", 16))
      local _, e3 = crypto.decrypt.aes(ct, k, "wrong")
      local _, e4 = crypto.decrypt.aes(ct, string.rep("x", 32), "aad")
      local bad = ct:sub(1, 20) .. string.char((ct:byte(21) + 1) % 256) .. ct:sub(22)
      local _, e5 = crypto.decrypt.aes(bad, k, "aad")
      local _, e6 = crypto.decrypt.chacha20("tiny", k)
      return {e1:kind(), e2:kind(), e3:kind(), e4:kind(), e5:kind(), e6:kind(), e3:retryable()}
    end`)
    expect(r).toEqual(['Invalid', 'Invalid', 'Internal', 'Internal', 'Internal', 'Invalid', false])
  })
})

describe('crypto.pbkdf2 and constant_time_compare', () => {
  it('derives the same raw key as Node; bad parameters are Invalid', async () => {
    const r = (await value(`local crypto = require("crypto") ${hexOf} return function()
      local k1 = crypto.pbkdf2("password", "salt", 1000, 32)
      local k2 = crypto.pbkdf2("password", "salt", 1000, 64, "sha512")
      local kinds = {}
      for _, a in ipairs({{"password", "salt", 1000, 32, "md5"}, {"", "salt", 1, 32}, {"p", "", 1, 32}, {"p", "s", 0, 32}, {"p", "s", 1, 0}}) do
        local _, e = crypto.pbkdf2(table.unpack(a))
        kinds[#kinds + 1] = e:kind()
      end
      return {hex(k1), hex(k2), kinds, crypto.constant_time_compare("hello", "hello"),
        crypto.constant_time_compare("hello", "world"), crypto.constant_time_compare("hello", "hell")}
    end`)) as unknown[]
    expect(r[0]).toBe(pbkdf2Sync('password', 'salt', 1000, 32, 'sha256').toString('hex'))
    expect(r[1]).toBe(pbkdf2Sync('password', 'salt', 1000, 64, 'sha512').toString('hex'))
    expect(r.slice(2)).toEqual([['Invalid', 'Invalid', 'Invalid', 'Invalid', 'Invalid'], true, false, false])
  })
})

describe('crypto.jwt', () => {
  it('encodes and verifies HS256/384/512 with custom headers; wrong keys, algorithms and expired tokens fail', async () => {
    const r = (await value(`local crypto = require("crypto") return function()
      local exp = os.time() + 3600
      local t = crypto.jwt.encode({sub = "u1", exp = exp, _header = {kid = "key-1"}}, "secret")
      local c = crypto.jwt.verify(t, "secret")
      local t384 = crypto.jwt.encode({sub = "u2", exp = exp}, "secret", "HS384")
      local c384 = crypto.jwt.verify(t384, "secret", "HS384")
      local t512 = crypto.jwt.encode({sub = "u3", exp = exp}, "secret", "HS512")
      local _, e1 = crypto.jwt.verify(t, "wrong")
      local _, e2 = crypto.jwt.verify(t384, "secret", "HS256")
      local _, e3 = crypto.jwt.verify("invalid.token.here", "secret")
      local old = crypto.jwt.encode({sub = "u", exp = os.time() - 10}, "secret")
      local _, e4 = crypto.jwt.verify(old, "secret")
      local noexp = crypto.jwt.encode({sub = "n"}, "secret")
      local _, e5 = crypto.jwt.verify(noexp, "secret")
      local c6 = crypto.jwt.verify(noexp, "secret", "HS256", false)
      return {t, c.sub, c.exp == exp, c._header == nil, c384.sub, crypto.jwt.verify(t512, "secret", "HS512").sub,
        e1:kind(), e2 ~= nil, e3 ~= nil, e4:kind(), e5 ~= nil, c6.sub}
    end`)) as unknown[]
    const [h] = String(r[0]).split('.')
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({alg: 'HS256', kid: 'key-1', typ: 'JWT'})
    expect(r.slice(1)).toEqual(['u1', true, true, 'u2', 'u3', 'Internal', true, true, 'Internal', true, 'n'])
  })
})

describe('crypto in a process', () => {
  it('runs through the process host live: random, encrypt/decrypt and HMAC', async () => {
    // Given a process.lua that lists the crypto module
    const p = procProject(
      {},
      `  - name: sealer
    kind: process.lua
    source: file://sealer.lua
    method: main
    modules: [crypto]
`,
    )
    p.write(
      'src/procs/sealer.lua',
      `local crypto = require("crypto")
return {main = function(msg)
  local key = crypto.random.bytes(32)
  local ct = crypto.encrypt.chacha20(msg, key)
  return {plain = crypto.decrypt.chacha20(ct, key), n = #ct, mac = crypto.hmac.sha256("k", msg), id = crypto.random.uuid()}
end}
`,
    )
    // When it runs on the process host
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:sealer', host: 'app:processes', args: ['hi']})
    const r = (await host.waitForExit(pid)).value as Record<string, unknown>
    // Then the host answered every crypto command
    expect(r).toMatchObject({mac: createHmac('sha256', 'k').update('hi').digest('hex'), n: 12 + 2 + 16, plain: 'hi'})
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/)
  })
})
