/**
 * Timer durations (reliability-review finding 15): what is no Go duration (overflow, NaN,
 * infinities) is a clear Lua error value before any timer is recorded; a negative sleep
 * returns at once, as Go's time.Sleep and Temporal's workflow.Sleep do; a CLI time skip out
 * of range is refused before anything reaches the dev server.
 */
import {describe, expect, it} from 'vitest'

import {MAX_DURATION_MS, parseDurationMs, requireDurationMs, requireSkip} from '../../src/time/duration.js'
import {startDev} from '../helpers/dev-server.js'
import {run} from './helpers.js'

const sleepWith = (expr: string) =>
  run(
    `local time = require("time") return function() local _, err = time.sleep(${expr}) return err and tostring(err) or "slept" end`,
  )

describe('time.sleep durations', () => {
  it.each([
    ['"99999999999h"', /out of range/],
    ['0/0', /out of range/],
    ['1/0', /out of range/],
    ['-1/0', /out of range/],
    ['1e300', /out of range/],
    ['"banana"', /use Go units/],
  ])('refuses time.sleep(%s) with an error value and records no timer', async (expr, message) => {
    const {commands, outcome} = await sleepWith(expr)
    expect(outcome.status === 'done' && outcome.result).toMatch(message)
    expect(commands.filter((c) => c.op === 'time.sleep')).toEqual([])
  })

  it('a negative sleep returns at once: a 0 ms timer, the value the host always recorded', async () => {
    for (const expr of ['-5', '"-5s"', '0']) {
      const {commands, outcome} = await sleepWith(expr)
      expect(outcome.status === 'done' && outcome.result).toBe('slept')
      expect(commands.filter((c) => c.op === 'time.sleep').map((c) => c.args[0])).toEqual([0])
    }
  })

  it('keeps the longest Go duration and ordinary ones', async () => {
    const {commands} = await sleepWith('"2562047h"')
    expect(commands.find((c) => c.op === 'time.sleep')?.args[0]).toBe(2562047 * 3_600_000)
    const {commands: short} = await sleepWith('"1h30m"')
    expect(short.find((c) => c.op === 'time.sleep')?.args[0]).toBe(5_400_000)
  })
})

describe('the shared duration parser (CLI flags, registry YAML)', () => {
  it("refuses what overflows Go's time.Duration, as time.ParseDuration does", () => {
    expect(parseDurationMs('99999999999h')).toBeUndefined()
    expect(parseDurationMs('2562047h')).toBe(2562047 * 3_600_000)
    expect(parseDurationMs('2562048h')).toBeUndefined()
    expect(MAX_DURATION_MS).toBeCloseTo(9_223_372_036_854.775, 3)
    expect(() => requireDurationMs('99999999999h', '--by duration')).toThrow(/out of range/)
    expect(() => requireSkip(2562047 * 3_600_000)).toThrow(/too far/)
    expect(() => requireSkip(Number.NaN)).toThrow(/Can't skip a workflow clock/)
    expect(() => requireSkip(3_600_000)).not.toThrow()
  })
})

describe('wippy time skip with an absurd duration', () => {
  it('is a clear usage error and records nothing', async () => {
    // Given a dev server with a workflow asleep for 24h
    const dev = await startDev({
      files: {
        'src/workflows/_index.yaml': (text: string) =>
          text +
          '\n  - name: sleeper\n    kind: workflow.lua\n    source: file://sleeper.lua\n    method: main\n    modules: [time]\n    meta:\n      temporal:\n        workflow:\n          worker: app:temporal_worker\n',
        'src/workflows/sleeper.lua':
          'local time = require("time")\nlocal function main() time.sleep("24h") return true end\nreturn {main = main}\n',
      },
    })
    const spawned = await dev.cli(['spawn', 'app.workflows:sleeper', '--id', 'sk1', '--json'])
    expect(spawned.exitCode, spawned.stderr).toBe(0)
    for (const by of ['99999999999h', '2562047h']) {
      // When the clock is skipped out of range
      const r = await dev.cli(['time', 'skip', 'sk1', '--by', by, '--json'])
      // Then a WIPPY_DURATION_INVALID error with a hint, no stack trace
      expect(r.exitCode).not.toBe(0)
      const out = r.stdout + r.stderr
      expect(out).toMatch(/WIPPY_DURATION_INVALID/)
      expect(out).not.toMatch(/RangeError|\n\s+at /)
    }
    // And the history holds no TimeSkipped
    const history = await dev.cli(['history', 'inspect', 'sk1', '--json'])
    expect(history.stdout).toMatch(/TimerStarted/)
    expect(history.stdout).not.toMatch(/TimeSkipped/)
  }, 60_000)
})
