/**
 * `--run-id`: a workflow ID reused after its run closed names two runs; the commands act on the
 * newest unless `--run-id` names the other. Through the built CLI, on a real dev server and then
 * on the files alone (no server), so both resolutions pick the same run.
 */
import {rm} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'

import type {CliResult} from '../helpers/cli.js'
import {runCli} from '../helpers/cli.js'
import {startDev} from '../helpers/dev-server.js'

interface View {
  events: Array<{runId?: string; type: string}>
  id: string
  runId: string
  status: string
}

function json<T>(result: CliResult, exitCode = 0): T {
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(exitCode)
  return JSON.parse(result.stdout) as T
}

const errorOf = (result: CliResult) => json<{error: {code: string; hint?: string; message: string}}>(result, 1).error

describe('--run-id on a reused workflow ID', () => {
  it('picks the older run live and offline; a closed one refuses signals; an unknown one lists the runs', async () => {
    // Given ord-1 started, terminated, and started again with the same ID
    const dev = await startDev({args: ['--no-watch']})
    const cli = (...args: string[]) => dev.cli([...args, '--json'])
    try {
      const input = '{"order_id":"R-1","amount":3}'
      expect((await dev.cli(['spawn', 'app.workflows:approval', input, '--id', 'ord-1'])).exitCode).toBe(0)
      const first = json<View>(await cli('history', 'inspect', 'ord-1')).events[0]!.runId!
      expect((await dev.cli(['terminate', 'ord-1'])).exitCode).toBe(0)
      expect((await dev.cli(['spawn', 'app.workflows:approval', input, '--id', 'ord-1'])).exitCode).toBe(0)
      const newest = json<View>(await cli('history', 'inspect', 'ord-1'))
      const second = newest.events[0]!.runId!
      expect(second).not.toBe(first)
      expect(newest.status).toBe('running')

      // When the first run is named by its run ID (or a unique prefix), then that run is shown
      const older = json<View>(await cli('history', 'inspect', 'ord-1', '--run-id', first))
      expect(older.status).toBe('terminated')
      expect(older.events[0]!.runId).toBe(first)
      expect(older.runId).toBe(first)
      expect(newest.runId).toBe(second)
      if (!second.startsWith(first.slice(0, 7))) {
        const byPrefix = json<View>(await cli('history', 'inspect', 'ord-1', '--run-id', first.slice(0, 7)))
        expect(byPrefix.events[0]!.runId).toBe(first)
      }
      expect(json<View>(await cli('history', 'export', 'ord-1', '--run-id', first))).toMatchObject({
        id: 'ord-1',
        runId: first,
      })
      expect(json<View>(await cli('history', 'replay', 'ord-1', '--run-id', first))).toMatchObject({runId: first})
      // The open newest run, named by a prefix of its run ID, is acted on (a signal would end it)
      const skipped = json<{runId: string; skippedMs: number}>(
        await cli('time', 'skip', 'ord-1', '--by', '1s', '--run-id', second.slice(0, 7)),
      )
      expect(skipped).toMatchObject({runId: second, skippedMs: 1000})
      expect(errorOf(await cli('time', 'skip', 'ord-1', '--by', '1s', '--run-id', first)).code).toBe(
        'WIPPY_WORKFLOW_CLOSED',
      )

      // A closed older run takes no signal
      const closed = errorOf(await cli('signal', 'ord-1', 'approve', '{}', '--run-id', first))
      expect(closed.code).toBe('WIPPY_WORKFLOW_CLOSED')
      expect(errorOf(await cli('cancel', 'ord-1', '--run-id', first)).code).toBe('WIPPY_WORKFLOW_CLOSED')

      // An unknown run ID names the workflow and lists its runs, newest first
      const unknown = errorOf(await cli('history', 'inspect', 'ord-1', '--run-id', 'zzzz'))
      expect(unknown.code).toBe('WIPPY_PID_UNKNOWN')
      expect(unknown.message).toContain('ord-1')
      expect(unknown.message).toContain(`${second}, ${first}`)
      expect(unknown.hint).toContain('--run-id')
      expect(errorOf(await cli('signal', 'ord-1', 'approve', '{}', '--run-id', 'zzzz')).code).toBe('WIPPY_PID_UNKNOWN')

      // Then, with the dev server stopped, the files answer the same
      await dev.stop()
      const offline = (...args: string[]) => runCli([...args, '--json'], {cwd: dev.root})
      const offOlder = json<View>(await offline('history', 'inspect', 'ord-1', '--run-id', first))
      expect(offOlder.status).toBe('terminated')
      expect(offOlder.events[0]!.runId).toBe(first)
      expect(offOlder.runId).toBe(first)
      const offNewest = json<View>(await offline('history', 'inspect', 'ord-1'))
      expect(offNewest.events[0]!.runId).toBe(second)
      expect(errorOf(await offline('signal', 'ord-1', 'approve', '{}', '--run-id', first)).code).toBe(
        'WIPPY_RUN_CLOSED',
      )
      const offUnknown = errorOf(await offline('history', 'inspect', 'ord-1', '--run-id', 'zzzz'))
      expect(offUnknown.code).toBe('WIPPY_PID_UNKNOWN')
      expect(offUnknown.message).toContain(`${second}, ${first}`)
      // The newest run, named by its run ID, still takes a queued signal
      const queued = json<{queued: boolean; runId: string}>(
        await offline('signal', 'ord-1', 'approve', '{}', '--run-id', second),
      )
      expect(queued).toMatchObject({queued: true, runId: second})
    } finally {
      await dev.kill()
      await rm(dev.root, {force: true, recursive: true})
    }
  }, 120_000)
})
