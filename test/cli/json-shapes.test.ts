import {execa} from 'execa'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {z} from 'zod'

import {BIN, runCli} from '../helpers/cli.js'
import {makeProject, startDev} from '../helpers/dev-server.js'

/**
 * Holds docs/json.md: every command runs with --json against a real `wippy dev` (approval
 * template) and its output must parse with the schema written down there. The schemas are
 * strict (`z.strictObject`), so a key added or renamed in a command fails here until the doc
 * and this test say so too. One key for one thing everywhere: `id` (workflow ID) and `pid`
 * (full PID) on every result that names a run; `events` is always an array (counts are
 * `eventCount`/`total`); errors, including a failed run's or call's, are `{code, message, hint?, details?}`.
 */

const Err = z.strictObject({
  code: z.string().regex(/^WIPPY_[A-Z0-9_]+$/),
  column: z.number().int().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  file: z.string().optional(),
  hint: z.string().optional(),
  line: z.number().int().optional(),
  message: z.string(),
})
const ErrorOut = z.strictObject({error: Err})
const Ref = {id: z.string().regex(/^wf-[0-9a-f]{12}$|^[\w.-]+$/), pid: z.string().startsWith('{')}
/** A result that acted on one workflow run also names that run (`--run-id` picks among a reused ID's runs). */
const RunRef = {...Ref, runId: z.string().regex(/^[0-9a-f]+$/)}
const Spawn = z.strictObject({...Ref, entry: z.string(), existing: z.boolean(), host: z.string()})
const SpawnWait = Spawn.extend({result: z.unknown().optional(), status: z.string()}).strict()
const Event = z.object({seq: z.number().int(), ts: z.number(), type: z.string()}).passthrough()
const Process = z.strictObject({
  ...Ref,
  blockKind: z.enum(['code', 'host']).optional(),
  cancelRequested: z
    .strictObject({at: z.number(), from: z.string().optional(), reason: z.string().optional()})
    .optional(),
  closedAt: z.number().optional(),
  entry: z.string(),
  kind: z.enum(['process', 'service', 'workflow']),
  loaded: z.boolean(),
  memo: z.record(z.string(), z.unknown()).optional(),
  notes: z.array(z.string()).optional(),
  oldCode: z.strictObject({divergence: z.string(), forkCommand: z.string().optional()}).optional(),
  problem: z.string().optional(),
  restarts: z.number().optional(),
  retryAt: z.number().optional(),
  runKey: z.string().optional(),
  searchAttributes: z.record(z.string(), z.unknown()).optional(),
  startedAt: z.number(),
  status: z.string(),
  waiting: z.string().optional(),
})

const SHAPES = {
  cancel: z.strictObject({...RunRef}),
  call: z.strictObject({value: z.unknown()}),
  callFailed: z.strictObject({error: Err}),
  export: z.strictObject({...RunRef, eventCount: z.number().int(), file: z.string().optional()}),
  fork: Spawn.extend({at: z.number().int(), forkedFrom: z.strictObject({...RunRef})}).strict(),
  init: z.strictObject({
    dir: z.string(),
    files: z.array(z.string()),
    installed: z.boolean(),
    next: z.array(z.string()),
    template: z.string(),
    wippy: z.strictObject({source: z.enum(['checkout', 'registry', 'tarball']), spec: z.string(), version: z.string()}),
  }),
  inspect: z.strictObject({
    ...RunRef,
    blocked: z.strictObject({hint: z.string(), kind: z.enum(['code', 'host']), problem: z.string()}).optional(),
    damage: z
      .object({
        file: z.string(),
        goodEvents: z.number().int(),
        line: z.number().int(),
        offset: z.number().int(),
        reason: z.string(),
      })
      .optional(),
    events: z.array(Event),
    problem: z.string().optional(),
    status: z.string(),
    total: z.number().int(),
  }),
  lint: z.strictObject({errors: z.number().int(), problems: z.array(z.unknown()), warnings: z.number().int()}),
  ps: z.strictObject({processes: z.array(Process), source: z.enum(['engine', 'files'])}),
  registryList: z.strictObject({entries: z.array(z.object({id: z.string(), kind: z.string()}).passthrough())}),
  registryShow: z.strictObject({entry: z.object({id: z.string(), kind: z.string()}).passthrough()}),
  replay: z.strictObject({
    ...RunRef,
    divergence: z
      .strictObject({
        eventIndex: z.number(),
        expected: z.string(),
        got: z.string(),
        message: z.string(),
        where: z.string().optional(),
      })
      .optional(),
    ok: z.boolean(),
    replayedEvents: z.number().int(),
  }),
  signal: z.strictObject({
    ...RunRef,
    delivered: z.boolean(),
    queued: z.boolean().optional(),
    seq: z.number().int().optional(),
    topic: z.string(),
  }),
  skip: z.strictObject({...RunRef, now: z.number(), skippedMs: z.number()}),
  spawn: Spawn,
  spawnWait: SpawnWait,
  terminate: z.strictObject({...RunRef}),
  test: z.strictObject({
    durationMs: z.number(),
    failed: z.number(),
    notRun: z.array(z.unknown()),
    passed: z.number(),
    skipped: z.number(),
    tests: z.array(z.unknown()),
  }),
  dev: z.strictObject({controlAddress: z.string(), readyMs: z.number().int()}),
}

/** Runs `wippy <args> --json`, checks the exit code, and parses stdout with `shape`. */
function expectJson<T>(
  result: {exitCode: number; stderr: string; stdout: string},
  shape: z.ZodType<T>,
  exitCode = 0,
): T {
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(exitCode)
  const parsed = shape.safeParse(JSON.parse(result.stdout))
  expect(
    parsed.success,
    `${result.stdout}\n${parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 2)}`,
  ).toBe(true)
  return parsed.data as T
}

describe('--json shapes (docs/json.md)', () => {
  it('every run command names runs by {id, pid} and errors by {code, message, hint}', async () => {
    const dev = await startDev({args: ['--no-watch']})
    const cli = (...args: string[]) => dev.cli([...args, '--json'])

    // spawn, then the commands that act on that run
    const a = expectJson(await cli('spawn', 'app.workflows:approval', '{"order_id":"J-1","amount":5}'), SHAPES.spawn)
    expect(a.pid).toContain(a.id)
    const signalled = expectJson(await cli('signal', a.id.slice(0, 8), 'approve', '{"approved":true}'), SHAPES.signal)
    expect(signalled).toMatchObject({delivered: true, id: a.id, pid: a.pid, topic: 'approve'})
    await dev.waitForOutput(`run completed ${a.id}`)

    const view = expectJson(await cli('history', 'inspect', a.id), SHAPES.inspect)
    expect(view).toMatchObject({id: a.id, status: 'completed'})
    const file = join(dev.root, 'a.jsonl')
    expect(expectJson(await cli('history', 'export', a.id, '-o', file), SHAPES.export)).toEqual({
      eventCount: view.total,
      file,
      id: a.id,
      pid: a.pid,
      runId: view.runId,
    })
    expect(expectJson(await cli('history', 'replay', a.id), SHAPES.replay)).toMatchObject({id: a.id, ok: true})
    expect(expectJson(await cli('history', 'replay', file), SHAPES.replay)).toMatchObject({id: a.id, ok: true})

    const forked = expectJson(await cli('fork', a.id, '--at', '2'), SHAPES.fork)
    expect(forked).toMatchObject({at: 2, forkedFrom: {id: a.id, pid: a.pid, runId: view.runId}})
    expect(expectJson(await cli('time', 'skip', forked.id, '--by', '1h'), SHAPES.skip)).toMatchObject({
      id: forked.id,
      skippedMs: 3_600_000,
    })
    expect(expectJson(await cli('cancel', forked.id), SHAPES.cancel)).toEqual({
      id: forked.id,
      pid: forked.pid,
      runId: expect.any(String),
    })
    const b = expectJson(await cli('spawn', 'app.workflows:approval', '{"order_id":"J-2","amount":5}'), SHAPES.spawn)
    expect(expectJson(await cli('terminate', b.id), SHAPES.terminate)).toEqual({
      id: b.id,
      pid: b.pid,
      runId: expect.any(String),
    })

    // A failed run's error has the keys of every other error
    // (the run as far as it got is details.result, in the spawn --wait shape)
    const failed = expectJson(await cli('spawn', 'app.workflows:approval', '{"amount":5}', '--wait'), ErrorOut, 1).error
    const failedRun = SpawnWait.parse(failed.details?.result)
    expect(failedRun.status).toBe('failed')
    expect(failed).toMatchObject({
      code: 'WIPPY_WORKFLOW_FAILED',
      message: expect.stringContaining('order_id'),
      hint: expect.stringContaining(failedRun.id),
    })
    expect(failed.details).toMatchObject({message: expect.stringContaining('order_id')})

    const ps = expectJson(await cli('ps', '--all'), SHAPES.ps)
    expect(ps.processes.map((p) => p.id)).toEqual(expect.arrayContaining([a.id, b.id, forked.id]))

    // Functions, tests, the registry
    expect(expectJson(await cli('call', 'app.reviews:submit', '{"order_id":"J-3","amount":1}'), SHAPES.call)).toEqual({
      value: 'submitted',
    })
    expect(expectJson(await cli('call', 'app.reviews:submit', '{}'), SHAPES.callFailed, 1).error.code).toBe(
      'WIPPY_CALL_FAILED',
    )
    expect(expectJson(await cli('test'), SHAPES.test).failed).toBe(0)
    expect(expectJson(await cli('lint'), SHAPES.lint).errors).toBe(0)
    expectJson(await cli('registry', 'list'), SHAPES.registryList)
    expectJson(await cli('registry', 'show', 'app.workflows:approval'), SHAPES.registryShow)

    // Errors: user errors exit 1, usage errors 2, unknown commands too; all in one shape
    expectJson(await cli('history', 'inspect', 'wf-nope'), ErrorOut, 1)
    expect(expectJson(await cli('fork', a.id, '--at', '99'), ErrorOut, 1).error.code).toBe('WIPPY_FORK_AT_INVALID')
    expect(expectJson(await cli('fork', a.id), ErrorOut, 2).error).toMatchObject({
      code: 'WIPPY_USAGE',
      message: 'Missing the required flag --at.',
    })
    expect(expectJson(await cli('spwan', 'app.workflows:approval'), ErrorOut, 2).error).toMatchObject({
      code: 'WIPPY_COMMAND_UNKNOWN',
      details: {suggestion: 'spawn'},
    })
  }, 90_000)

  it('init --json and dev --json', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'wippy-json-'))
    try {
      const init = expectJson(await runCli(['init', 'app', '--template', 'approval', '--json'], {cwd}), SHAPES.init)
      expect(init.files).toContain('package.json')
      expect(init.wippy.source).toBe('checkout')

      // dev --json: the plain lines go to stderr, stdout is one JSON object at exit
      const root = await makeProject('templates/approval')
      try {
        const child = execa(process.execPath, [BIN, 'dev', '--json', '--no-watch'], {
          cwd: root,
          env: {NO_COLOR: '1'},
          reject: false,
          stdin: 'ignore',
        })
        let err = ''
        child.stderr?.on('data', (c: Buffer) => (err += c.toString()))
        while (!/ready in \d+ ms/.test(err)) await new Promise((r) => setTimeout(r, 20))
        child.kill('SIGINT')
        const done = await child
        expect(done.exitCode).toBe(0)
        expect(SHAPES.dev.safeParse(JSON.parse(String(done.stdout))).success, String(done.stdout)).toBe(true)
      } finally {
        await rm(root, {force: true, recursive: true})
      }
    } finally {
      await rm(cwd, {force: true, recursive: true})
    }
  }, 60_000)
})
