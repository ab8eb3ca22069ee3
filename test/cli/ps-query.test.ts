/**
 * `wippy ps` and search attributes through the built CLI: `--json` rows carry them and the
 * memo, `--query` filters them with a running `wippy dev` and from the files after it stops,
 * a bad query is a usage error (exit 2), `--attrs` shows them and `history inspect` the upserts.
 */
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {startDev} from '../helpers/dev-server.js'

const FILES = {
  'src/probe/_index.yaml': [
    'version: "1.0"',
    'namespace: app.probe',
    'entries:',
    '  - name: attrs',
    '    kind: workflow.lua',
    '    source: file://attrs.lua',
    '    method: main',
    '    modules: [workflow]',
    '    meta: {temporal: {workflow: {worker: app:temporal_worker}}}',
    '',
  ].join('\n'),
  'src/probe/attrs.lua': [
    'local workflow = require("workflow")',
    'return {main = function(customer)',
    '  workflow.attrs({search = {customer = customer, tier = 1}, memo = {note = "n-" .. customer}})',
    '  process.inbox():receive()',
    '  return true',
    'end}',
  ].join('\n'),
}

interface Row {
  id: string
  memo?: Record<string, unknown>
  searchAttributes?: Record<string, unknown>
  waiting?: string
}

describe('ps and search attributes', () => {
  it('shows and filters them online and offline', async () => {
    const dev = await startDev({args: ['--no-watch'], files: FILES})
    try {
      const spawn = async (customer: string): Promise<string> => {
        const r = await dev.cli(['spawn', 'app.probe:attrs', JSON.stringify(customer), '--json'])
        expect(r.exitCode).toBe(0)
        return (JSON.parse(r.stdout) as {id: string}).id
      }
      const one = await spawn('c-1')
      const two = await spawn('c-2')
      const ps = async (...args: string[]): Promise<{processes: Row[]; source: string}> => {
        const r = await dev.cli(['ps', ...args, '--json'])
        expect(r.exitCode, r.stderr).toBe(0)
        return JSON.parse(r.stdout) as {processes: Row[]; source: string}
      }
      const t0 = Date.now()
      while ((await ps()).processes.filter((r) => r.waiting === 'waiting for a signal').length < 2) {
        if (Date.now() - t0 > 10_000) throw new Error('the runs never waited')
        await new Promise((r) => setTimeout(r, 50))
      }

      // --json: each run's attributes and memo
      const rows = (await ps()).processes
      expect(rows.find((r) => r.id === one)).toMatchObject({
        memo: {note: 'n-c-1'},
        searchAttributes: {customer: 'c-1', tier: 1},
      })
      // --query, answered by the engine
      const online = await ps('--query', 'customer="c-2" AND Status="running"')
      expect(online).toMatchObject({source: 'engine'})
      expect(online.processes.map((r) => r.id)).toEqual([two])

      // a bad query: usage error, column and hint
      const bad = await dev.cli(['ps', '--query', 'customer=', '--json'])
      expect(bad.exitCode).toBe(2)
      expect(JSON.parse(bad.stdout)).toMatchObject({
        error: {code: 'WIPPY_QUERY_INVALID', hint: expect.any(String), message: expect.stringContaining('column 10')},
      })

      // the table's SEARCH column, and the upsert in the history
      const table = await dev.cli(['ps', '--attrs'])
      expect(table.stdout).toMatch(/SEARCH/)
      expect(table.stdout).toContain('customer=c-1 tier=1')
      const inspect = await dev.cli(['history', 'inspect', one])
      expect(inspect.stdout).toContain('AttributesUpserted search {"customer":"c-1","tier":1} memo {"note":"n-c-1"}')
    } finally {
      await dev.stop()
    }

    // --query without `wippy dev`: the files answer the same
    const offline = await runCli(['ps', '--query', 'tier=1 AND customer!="c-2"', '--json'], {cwd: dev.root})
    expect(offline.exitCode, offline.stderr).toBe(0)
    const out = JSON.parse(offline.stdout) as {processes: Row[]; source: string}
    expect(out.source).toBe('files')
    expect(out.processes.map((r) => r.searchAttributes)).toEqual([{customer: 'c-1', tier: 1}])
  })
})
