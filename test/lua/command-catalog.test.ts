/**
 * The command catalog (src/lua/command-catalog.ts): every op the prelude yields is in it and vice
 * versa, commands are normalised once where they leave the VM, every host's handler table is
 * complete (checked by the compiler, and here at run time), and a workflow's replay identity
 * of a command is the identity of the event live recording builds for it.
 */
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'

import {identityOfEvent, sameIdentity} from '../../src/hosts/workflows/event-identity.js'
import {type LiveServices, workflowCommands} from '../../src/hosts/workflows/live-commands.js'
import {WorkflowRun} from '../../src/hosts/workflows/run.js'
import {
  COMMAND_KIND,
  attrsUpsertOf,
  type CommandHandlers,
  LUA_OPS,
  type LuaCommand,
  type LuaOp,
  UnknownCommandError,
  decodeCommand,
  dispatchCommand,
  reachesOutside,
  recordedInHistory,
  closesRun,
} from '../../src/lua/command-catalog.js'
import {run} from './helpers.js'

const PRELUDE = join(import.meta.dirname, '../../src/lua/prelude')

/** Every op string the prelude hands to `W.call` / `W.emit`. */
function preludeOps(): Set<string> {
  const ops = new Set<string>()
  for (const file of readdirSync(PRELUDE).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(PRELUDE, file), 'utf8').matchAll(/W\.(?:call|emit)\('([a-z_]+\.[a-z_]+)'/g))
      ops.add(m[1]!)
  }
  return ops
}

const decode = (op: string, args: unknown[], extra: Record<string, unknown> = {}): LuaCommand =>
  decodeCommand({args, op, tag: 1, ...extra})

describe('the catalog', () => {
  test('lists exactly the ops the Lua prelude yields', () => {
    expect([...preludeOps()].sort()).toEqual([...LUA_OPS].sort())
  })

  test('gives every op a kind, and the recording policy follows from it', () => {
    expect(LUA_OPS).toHaveLength(31)
    expect(LUA_OPS.filter((op) => !recordedInHistory(op)).sort()).toEqual([
      'crypto.compute',
      'logger.log',
      'process.link',
      'process.lookup',
      'process.monitor',
      'process.register',
      'process.set_options',
      'process.unlink',
      'process.unmonitor',
      'process.unregister',
      'text.regexp',
      'time.zone',
      'workflow.history',
    ])
    // Pure ops depend on Node/ICU/V8: recorded on Temporal as local activities or markers.
    expect(LUA_OPS.filter((op) => COMMAND_KIND[op] === 'pure').sort()).toEqual([
      'crypto.compute',
      'text.regexp',
      'time.zone',
    ])
    expect(LUA_OPS.filter((op) => reachesOutside(op)).sort()).toEqual([
      'process.cancel',
      'process.exec',
      'process.send',
      'process.spawn',
      'process.terminate',
    ])
  })
})

describe('decodeCommand', () => {
  test('durations become finite numbers >= 0', () => {
    expect(decode('time.sleep', [-1]).args).toEqual([0])
    expect(decode('time.timer', [Number.NaN]).args).toEqual([0])
    expect(decode('time.sleep', [Number.POSITIVE_INFINITY]).args).toEqual([0])
    expect(decode('time.sleep', ['5']).args).toEqual([0])
    expect(decode('time.sleep', []).args).toEqual([0])
    expect(decode('time.timer', [1.5]).args).toEqual([1.5])
    expect(decode('time.sleep', [3_600_000]).args).toEqual([3_600_000])
  })

  test('ids, topics and keys become strings; payloads and call args are kept as given', () => {
    expect(decode('process.send', [42, 'topic', {a: 1}, null, 3]).args).toEqual(['42', 'topic', {a: 1}, null, 3])
    expect(decode('funcs.call', ['app:x', 1, {b: 2}]).args).toEqual(['app:x', 1, {b: 2}])
    expect(decode('env.get', [7]).args).toEqual(['7'])
    expect(decode('process.lookup', ['svc']).args).toEqual(['svc'])
    expect(decode('time.zone', [undefined]).args).toEqual(['undefined'])
    // A spawn's host: nil (a hole, null) is none.
    expect(decode('process.spawn', ['app:p', null, 'a']).args).toEqual(['app:p', '', 'a'])
    expect(decode('process.exec', ['app:p']).args).toEqual(['app:p', ''])
    // Tags of earlier commands are numbers.
    expect(decode('time.timer_stop', ['3']).args).toEqual([3])
    expect(decode('funcs.cancel', [4]).args).toEqual([4])
  })

  test('optional arguments: a missing reason stays absent, uuid defaults to v4, logs get a level and text', () => {
    expect(decode('process.cancel', ['{p|1}']).args).toEqual(['{p|1}'])
    expect(decode('process.cancel', ['{p|1}', null]).args).toEqual(['{p|1}'])
    expect(decode('process.cancel', ['{p|1}', 'why']).args).toEqual(['{p|1}', 'why'])
    expect(decode('uuid.generate', []).args).toEqual(['v4'])
    expect(decode('uuid.generate', ['v7']).args).toEqual(['v7'])
    expect(decode('logger.log', []).args).toEqual(['info', ''])
    expect(decode('logger.log', ['warn', 'hi', {k: 1}]).args).toEqual(['warn', 'hi', {k: 1}])
    expect(decode('process.set_options', [[]]).args).toEqual([{}])
    expect(decode('process.set_options', [{trap_links: true}]).args).toEqual([{trap_links: true}])
    expect(decode('workflow.version', ['change', 1, 2]).args).toEqual(['change', 1, 2])
  })

  test('options: known keys of the wrong type are dropped, messages normalised, unknown keys kept', () => {
    const spawn = decode('process.spawn', ['app:p', 'app:host'], {
      options: {
        context: 'nope',
        custom: 1,
        link: 'yes',
        messages: [{topic: 5}, {payload: ['x'], topic: 't'}],
        monitor: true,
        name: 3,
        'temporal.workflow.id': 'wf-1',
      },
    })
    expect(spawn.options).toEqual({
      custom: 1,
      messages: [
        {payload: [], topic: '5'},
        {payload: ['x'], topic: 't'},
      ],
      monitor: true,
      'temporal.workflow.id': 'wf-1',
    })
    expect(decode('funcs.call', ['app:x'], {options: {context: {trace: 't'}, timeout: 5000}}).options).toEqual({
      context: {trace: 't'},
      timeout: 5000,
    })
    // Ops without options drop them; an empty Lua table arrives as [] and is no options.
    expect(decode('time.sleep', [1], {options: {x: 1}}).options).toBeUndefined()
    expect(decode('funcs.call', ['app:x'], {options: []}).options).toBeUndefined()
  })

  test('keeps tag and where; refuses an op outside the catalog', () => {
    expect(decodeCommand({args: [1], op: 'time.sleep', tag: 9, where: 'src/a.lua:3'})).toEqual({
      args: [1],
      op: 'time.sleep',
      tag: 9,
      where: 'src/a.lua:3',
    })
    expect(() => decode('time.travel', [])).toThrow(UnknownCommandError)
    expect(() => decodeCommand(undefined)).toThrow('unknown command op undefined')
  })

  test("workflow.attrs: tables kept as given; a non-table or neither is the platform's Invalid message", () => {
    const attrs = (a: unknown) => attrsUpsertOf(decode('workflow.attrs', [a]) as LuaCommand<'workflow.attrs'>)
    expect(decode('workflow.attrs', [{search: {a: 1}}]).args).toEqual([{search: {a: 1}}])
    expect(decode('workflow.attrs', ['x']).args).toEqual([{}])
    expect(attrs({memo: {m: 1}, search: {a: 1}})).toEqual({memo: {m: 1}, search: {a: 1}})
    // An empty (or sequence) Lua table arrives as an array: no string keys, an empty map
    expect(attrs({search: []})).toEqual({search: {}})
    expect(attrs({search: 'x'})).toBe('search must be a table')
    expect(attrs({memo: 5})).toBe('memo must be a table')
    expect(attrs({})).toBe('at least one of search or memo required')
  })

  test('runs where commands leave the VM: a negative sleep arrives as 0 ms', async () => {
    const {commands} = await run(`local time = require("time")\nreturn function() time.sleep(-1000000) return true end`)
    expect(commands).toEqual([{args: [0], op: 'time.sleep', tag: 1, where: 'src/app/test.lua:2'}])
  })
})

describe('handler tables', () => {
  test('a table that forgets an op does not compile, and has no handler at run time', () => {
    const complete = Object.fromEntries(
      LUA_OPS.map((op) => [op, (cmd: LuaCommand) => cmd.op]),
    ) as CommandHandlers<string>
    expect(dispatchCommand(complete, decode('time.now', []))).toBe('time.now')
    const {'time.zone': _forgotten, ...rest} = complete
    // @ts-expect-error 'time.zone' is missing from the table
    const partial: CommandHandlers<string> = rest
    expect(Object.keys(partial)).not.toContain('time.zone')
    expect(LUA_OPS).toContain('time.zone')
    expect(() => dispatchCommand(partial, decode('time.zone', ['UTC']))).toThrow(TypeError)
  })

  test("the workflow host's table covers every op; it records exactly what the catalog says, building intents without any service", () => {
    const table = workflowCommands(UNTOUCHED)
    expect(Object.keys(table).sort()).toEqual([...LUA_OPS].sort())
    const wfRun = newRun()
    const argsOf: Partial<Record<LuaOp, unknown[]>> = {
      'funcs.async': ['app:f'],
      'funcs.call': ['app:f'],
      'process.exec': ['app:w', 'app:host'],
      'process.spawn': ['app:w', 'app:host'],
      // No entry named: the current one (naming one asks the host whether it is loaded).
      'process.upgrade': [null, 1],
      'workflow.attrs': [{search: {a: 1}}],
    }
    for (const op of LUA_OPS) {
      const plan = dispatchCommand(table, decode(op, argsOf[op] ?? ['x']), wfRun)
      expect({op, recorded: plan.recorded}).toEqual({
        op,
        recorded: closesRun(op) ? 'close' : recordedInHistory(op),
      })
      expect(recordedInHistory(op) || !closesRun(op)).toBe(true)
      if (plan.recorded === true) {
        expect(plan.outward).toBe(reachesOutside(op))
        expect(identityOfEvent(plan.intent())).toBeDefined()
      }
    }
  })

  test('replay identity is the identity of the event live recording builds (a negative sleep: 0 ms both ways)', async () => {
    const table = workflowCommands({...UNTOUCHED, env: () => 'v', uuid: () => 'u-1'})
    const wfRun = newRun()
    for (const cmd of [
      decode('time.sleep', [-1]),
      decode('env.get', ['HOME']),
      decode('uuid.generate', []),
      decode('workflow.version', ['c', 1, 3]),
      decode('workflow.attrs', [{memo: {m: 1}, search: {s: 'x'}}]),
    ]) {
      const plan = dispatchCommand(table, cmd, wfRun)
      if (plan.recorded !== true) throw new Error(`${cmd.op} is recorded`)
      const event = await plan.record(2)
      expect(sameIdentity(identityOfEvent(plan.intent())!, identityOfEvent({...event, seq: 2} as never)!)).toBe(true)
    }
    const sleep = dispatchCommand(table, decode('time.sleep', [-1]), wfRun)
    if (sleep.recorded === true) expect(await sleep.record(2)).toMatchObject({durationMs: 0, type: 'TimerStarted'})
  })
})

const untouched = (): never => {
  throw new Error('an intent called a host service')
}
/** Host services that refuse to be called: building a plan or an intent must not need them. */
const UNTOUCHED: LiveServices = {
  abandonActivity: untouched,
  armTimer: untouched,
  closed: untouched,
  control: untouched,
  disarmTimer: untouched,
  env: untouched,
  log: untouched,
  signal: untouched,
  startActivity: untouched,
  startChild: untouched,
  uuid: untouched,
  newRunId: untouched,
  isWorkflowEntry: untouched,
}

/** A run with no history and no code, for building plans (nothing is appended). */
function newRun(): WorkflowRun {
  return new WorkflowRun(
    {entry: 'app:wf', pid: '{wf|1}', runKey: 'k', workflowId: 'wf-1'},
    {
      append: () => Promise.reject(new Error('nothing is appended here')),
      live: {activate() {}, closed() {}, plan: () => ({answer: () => ({kind: 'result', tag: 0}), recorded: false})},
      realNow: () => 1_000,
    },
    [],
  )
}
