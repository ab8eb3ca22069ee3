import {describe, expect, it} from 'vitest'
import {zoneDelivery} from '../../src/hosts/ops/zone.js'
import {COMMAND_KIND, recordedInHistory} from '../../src/lua/command-catalog.js'
import type {LuaCommand, LuaDelivery} from '../../src/lua/types.js'
import {isValidZone, zoneOffsetAt} from '../../src/time/zones.js'
import {resultOf, run} from './helpers.js'

// 2024-12-29T15:04:05Z
const NOW = 1_735_484_645_000_000_000n
const host = (cmd: LuaCommand): LuaDelivery | undefined =>
  cmd.op === 'time.zone'
    ? zoneDelivery(cmd.tag, cmd.args[0])
    : cmd.op === 'time.now'
      ? {kind: 'result', tag: cmd.tag, value: NOW}
      : {kind: 'result', tag: cmd.tag}
const lua = async (body: string): Promise<unknown> =>
  resultOf((await run(`local time = require("time")\nreturn function()\n${body}\nend`, host)).outcome)

describe('src/time/zones (Intl)', () => {
  it('knows IANA names case-sensitively and gives DST-correct offsets', () => {
    expect([
      isValidZone('America/New_York'),
      isValidZone('Invalid/Location'),
      isValidZone('america/new_york'),
      isValidZone('+05:00'),
    ]).toEqual([true, false, false, false])
    expect(zoneOffsetAt('America/New_York', Date.UTC(2024, 0, 15))).toEqual({
      abbreviation: 'EST',
      offsetSeconds: -18_000,
    })
    expect(zoneOffsetAt('America/New_York', Date.UTC(2024, 6, 4))).toEqual({
      abbreviation: 'EDT',
      offsetSeconds: -14_400,
    })
    expect(zoneOffsetAt('Europe/London', Date.UTC(2024, 6, 4))).toEqual({abbreviation: 'BST', offsetSeconds: 3600})
    expect(zoneOffsetAt('Asia/Kolkata', Date.UTC(2024, 6, 4))).toEqual({abbreviation: 'IST', offsetSeconds: 19_800})
    // Zones without letters in tzdata get its numeric names.
    expect(zoneOffsetAt('America/Sao_Paulo', Date.UTC(2024, 6, 4))?.abbreviation).toBe('-03')
    // Past the table's end the last 28-year cycle repeats: DST still applies in 2095.
    expect(zoneOffsetAt('America/New_York', Date.UTC(2095, 6, 1))?.offsetSeconds).toBe(-14_400)
  })

  it('is not recorded in workflow histories (a pure lookup, same on replay)', () => {
    expect(recordedInHistory('time.zone')).toBe(false)
    expect(COMMAND_KIND['time.zone']).toBe('pure')
    expect(zoneDelivery(7, 'Nope/Zone')).toMatchObject({error: {kind: 'NotFound', retryable: false}, tag: 7})
  })
})

describe('time module with zones', () => {
  it('load_location succeeds for IANA names, fails NotFound for unknown and Invalid for empty', async () => {
    expect(
      await lua(`
      local ny, err = time.load_location("America/New_York")
      local bad, e1 = time.load_location("Invalid/Location")
      local _, e2 = time.load_location("")
      local loc = time.load_location("Local")
      return {ny:string(), tostring(err), tostring(bad), e1:kind(), e1:retryable(), e2:kind(), loc:string()}`),
    ).toEqual(['America/New_York', 'nil', 'nil', 'NotFound', false, 'Invalid', 'UTC'])
  })

  it('formats in a zone with abbreviations and offsets, across DST', async () => {
    expect(
      await lua(`
      local ny = time.load_location("America/New_York")
      local t = time.date(2024, 7, 4, 12, 0, 0, 0, ny)
      local w = time.date(2024, 1, 15, 12, 0, 0, 0, ny)
      local abbr, off = t:zone()
      return {t:format(time.RFC3339), t:utc():format(time.RFC3339), tostring(w), w:format("MST -0700 Z07:00 Z07"),
        abbr, off, t:location():string(), t:hour(), t:utc():hour()}`),
    ).toEqual([
      '2024-07-04T12:00:00-04:00',
      '2024-07-04T16:00:00Z',
      '2024-01-15 12:00:00 -0500 EST',
      'EST -0500 -05:00 -05',
      'EDT',
      -14_400,
      'America/New_York',
      12,
      16,
    ])
  })

  it('in_location keeps the instant; a wall clock in the spring-forward gap resolves like Go (time.Date)', async () => {
    expect(
      await lua(`
      local ny = time.load_location("America/New_York")
      local before = time.unix(1710053999, 0):in_location(ny)
      local after = before:add("1s")
      local gap = time.date(2024, 3, 10, 2, 30, 0, 0, ny)
      return {before:format(time.RFC1123), after:format(time.RFC1123), after:unix() - before:unix(), gap:format("15:04 MST"), before:equal(before:utc())}`),
    ).toEqual(['Sun, 10 Mar 2024 01:59:59 EST', 'Sun, 10 Mar 2024 03:00:00 EDT', 1, '01:30 EST', true])
  })

  it('add_date keeps the wall clock across a DST change', async () => {
    expect(
      await lua(`
      local ny = time.load_location("America/New_York")
      local t = time.date(2024, 3, 9, 9, 0, 0, 0, ny):add_date(0, 0, 1)
      return {t:format("2006-01-02 15:04 MST"), t:sub(time.date(2024, 3, 9, 9, 0, 0, 0, ny)):hours()}`),
    ).toEqual(['2024-03-10 09:00 EDT', 23])
  })

  it('parse follows Go: Z is UTC, offsets keep a fixed zone, names resolve in the given location', async () => {
    expect(
      await lua(`
      local ny = time.load_location("America/New_York")
      local a = time.parse("2006-01-02 15:04", "2024-12-29 14:30", ny)
      local b = time.parse("2006-01-02 15:04:05 MST", "2024-12-29 14:30:00 EST", ny)
      local c = time.parse("2006-01-02 15:04:05 MST", "2024-12-29 14:30:00 EST")
      local d = time.parse(time.RFC3339, "2024-12-29T14:30:00+05:30")
      local e = time.parse(time.RFC3339, "2024-07-01T08:00:00-04:00", ny)
      local f = time.parse(time.RFC3339, "2024-12-29T14:30:00Z")
      return {tostring(a), tostring(b), tostring(c), tostring(d), e:location():string(), tostring(f), a:unix() == b:unix()}`),
    ).toEqual([
      '2024-12-29 14:30:00 -0500 EST',
      '2024-12-29 14:30:00 -0500 EST',
      '2024-12-29 14:30:00 +0000 EST',
      '2024-12-29 14:30:00 +0530 +0530',
      'America/New_York',
      '2024-12-29 14:30:00 +0000 UTC',
      true,
    ])
  })

  it('fixed_zone carries its offset; utc and localtz stay UTC', async () => {
    expect(
      await lua(`
      local ist = time.fixed_zone("IST", 5*3600 + 30*60)
      local t = time.date(2024, 1, 15, 12, 0, 0, 0, ist)
      return {ist:string(), t:format(time.RFC3339 .. " MST"), t:utc():format(time.RFC3339), time.localtz:string(), time.now():in_local():location():string(), time.now():format(time.RFC3339)}`),
    ).toEqual(['IST', '2024-01-15T12:00:00+05:30 IST', '2024-01-15T06:30:00Z', 'UTC', 'UTC', '2024-12-29T15:04:05Z'])
  })
})
