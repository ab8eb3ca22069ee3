import {describe, expect, it} from 'vitest'
import type {LuaCommand} from '../../src/lua/types.js'
import {resultOf, run} from './helpers.js'

/**
 * The smaller platform modules and objects, as the platform's own test app uses them:
 * payload formats, uuid parse/format/variant, json.validate, base64, hash, events, and
 * `type()` of times. All pure Lua: the answers below come from the VM alone.
 */
const NOW = 1_735_484_645_123_000_000n
const answer = (cmd: LuaCommand) => ({
  kind: 'result' as const,
  tag: cmd.tag,
  value: cmd.op === 'time.now' ? NOW : undefined,
})
const MODULES = ['time', 'json', 'uuid', 'base64', 'hash', 'events']
const value = async (src: string) => resultOf((await run(src, answer, {modules: MODULES})).outcome)

describe('payload', () => {
  it('knows its format, unmarshals, transcodes to JSON and prints its format', async () => {
    // Given payloads of a Lua value and of an error
    // When their formats and data are read
    // Then Lua values are lua/any, errors golang/error, and JSON transcoding keeps the data
    expect(
      await value(`return function()
        local p = payload.new({a = 1})
        local j = p:transcode(payload.format.JSON)
        return {p:get_format(), p:unmarshal().a, payload.new(errors.new("x")):get_format(),
          j:get_format(), j:data().a, tostring(p), payload.format.BYTES, payload.new(nil):get_format()}
      end`),
    ).toEqual([
      'lua/any',
      1,
      'golang/error',
      'json/plain',
      1,
      'payload(lua/any)',
      'application/octet-stream',
      'lua/any',
    ])
  })
})

describe('uuid', () => {
  it('parses, formats and reports variants; bad input is Invalid', async () => {
    expect(
      await value(`local uuid = require("uuid") return function()
        local id = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
        local info = uuid.parse(id)
        local _, e1 = uuid.format(id, "weird")
        local _, e2 = uuid.parse("nope")
        return {info.version, info.variant, info.node, info.timestamp ~= nil, uuid.format(id, "simple"),
          uuid.format(id, "urn"), uuid.format(id), uuid.variant(id), uuid.version(id), e1:kind(), e2:kind(),
          uuid.parse("01936b2e-1e85-7000-8000-000000000000").timestamp}
      end`),
    ).toEqual([
      1,
      'RFC4122',
      '00c04fd430c8',
      true,
      '6ba7b8109dad11d180b400c04fd430c8',
      'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      'RFC4122',
      1,
      'Invalid',
      'Invalid',
      1732670004.869,
    ])
  })
})

describe('json', () => {
  it('validates data against a JSON schema (table or JSON text)', async () => {
    expect(
      await value(`local json = require("json") return function()
        local s = {type = "object", properties = {name = {type = "string"}, tags = {type = "array", items = {type = "string"}}}, required = {"name"}}
        local ok1 = json.validate(s, {name = "a", tags = {"x"}})
        local ok2, e2 = json.validate(s, {tags = {"x"}})
        local ok3 = json.validate(s, {name = "a", tags = {1}})
        local ok4 = json.validate('{"type":"integer","minimum":2}', 3)
        local ok5, e5 = json.validate(s, nil)
        local ok6 = json.validate_string(s, '{"name":"b"}')
        return {ok1, ok2, e2:kind(), ok3, ok4, ok5, tostring(e5):find("data is required") ~= nil, ok6}
      end`),
    ).toEqual([true, false, 'Invalid', false, true, false, true, true])
  })
})

describe('base64 and hash', () => {
  it('match the standard test vectors', async () => {
    expect(
      await value(`local base64, hash = require("base64"), require("hash") return function()
        local _, bad = base64.decode("***")
        return {base64.encode("hello world"), base64.decode("aGVsbG8gd29ybGQ="), base64.encode("a"), bad:kind(),
          hash.md5("hello"), hash.sha1("abc"), hash.sha256("abc"), hash.sha512("abc"),
          hash.hmac_sha256("key", "The quick brown fox jumps over the lazy dog"), #hash.sha256("abc", true)}
      end`),
    ).toEqual([
      'aGVsbG8gd29ybGQ=',
      'hello world',
      'YQ==',
      'Invalid',
      '5d41402abc4b2a76b9719d911017c592',
      'a9993e364706816aba3e25717850c26c9cd0d89d',
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
      32,
    ])
  })
})

describe('events', () => {
  it('delivers sent events to matching subscriptions of the program, and refuses empty names', async () => {
    expect(
      await value(`local events = require("events") return function()
        local all = events.subscribe("test.*")
        local kinded = events.subscribe("test.a", "k2")
        events.send("test.a", "k1", "/one", {n = 1})
        events.send("other", "k1", "/two")
        events.send("test.a", "k2", "/three")
        local a1, a2, k = all:channel():receive(), all:channel():receive(), kinded:channel():receive()
        local _, e = events.send("test.a", "", "/x")
        local s, e2 = events.subscribe("")
        return {a1.path, a1.data.n, a1.system, a1.kind, a2.path, k.path, e:kind(), s == nil, e2 ~= nil}
      end`),
    ).toEqual(['/one', 1, 'test.a', 'k1', '/three', '/three', 'Invalid', true, true])
  })
})

describe('time and error objects', () => {
  it('are userdata to type(); locations print their name; an empty zone name is Invalid', async () => {
    expect(
      await value(`local time = require("time") return function()
        local t = time.now()
        local _, e = time.load_location("")
        return {type(t), type(t:location()), tostring(t:location()), time.utc:string(), e:kind(), type({}), type(time.SECOND), type(e)}
      end`),
    ).toEqual(['userdata', 'userdata', 'UTC', 'UTC', 'Invalid', 'table', 'number', 'userdata'])
  })
})

describe('typed-Lua casts and error strings', () => {
  it('string(v) and integer(v) convert or raise; string functions accept error values', async () => {
    expect(
      await value(`return function()
        local e = errors.new("process x not found")
        local bad = pcall(integer, "1.5")
        local t = table.create(4, 0)
        t[#t + 1] = 1
        return {string(12), string("a"), integer("7"), integer(3.0), bad, string.find(e, "not found") ~= nil,
          string.upper(e):sub(1, 7), #t, (pcall(string, {}))}
      end`),
    ).toEqual(['12', 'a', 7, 3, false, true, 'PROCESS', 1, false])
  })
})
