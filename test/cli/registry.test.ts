import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'

// These run the built CLI: `npm test` builds first (or run `npm run build`).
const VALID = join(fileURLToPath(new URL('../fixtures/projects/', import.meta.url)), 'valid')

describe('wippy registry list', () => {
  it('prints a table of id, kind and file:line', async () => {
    const result = await runCli(['registry', 'list'], {cwd: VALID})
    expect(result.exitCode).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+KIND\s+FILE$/)
    expect(lines).toContainEqual(
      expect.stringMatching(/^app\.workflows:payment\s+workflow\.lua\s+src\/app\/workflows\/_index\.yaml:6$/),
    )
    expect(lines).toHaveLength(11)
  })

  it('filters by kind and namespace, with --json', async () => {
    const byKind = await runCli(['registry', 'list', '--kind', 'function.lua', '--json', '-p', VALID])
    const entries = (JSON.parse(byKind.stdout) as {entries: Array<{id: string}>}).entries
    expect(entries.map((e) => e.id)).toEqual(['app.api:charge_card', 'app.api:check_status', 'app.api:refund'])
    const byNs = await runCli(['registry', 'list', '--ns', 'app', '--kind', 'process.host', '--json', '-p', VALID])
    expect(JSON.parse(byNs.stdout)).toEqual({
      entries: [
        {
          id: 'app:processes',
          kind: 'process.host',
          namespace: 'app',
          name: 'processes',
          file: 'src/app/_index.yaml',
          line: 19,
        },
      ],
    })
  })
})

describe('wippy registry show', () => {
  it('shows the resolved entry with its source file', async () => {
    const result = await runCli(['registry', 'show', 'app.workflows:payment', '-p', VALID])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('app.workflows:payment  (workflow.lua)')
    expect(result.stdout).toContain('declared at src/app/workflows/_index.yaml:6:5')
    expect(result.stdout).toContain('source file src/app/workflows/payment.lua')
    expect(result.stdout).toMatch(/source: <\d+ lines from src\/app\/workflows\/payment\.lua>/)
    expect(result.stdout).toContain('worker: app:temporal_worker')
  })

  it('returns the whole entry with --json, source text included', async () => {
    const result = await runCli(['registry', 'show', 'app.api:charge_card', '--json', '-p', VALID])
    const {entry} = JSON.parse(result.stdout) as {
      entry: {data: {source: string; imports: Record<string, string>}; meta: Record<string, unknown>}
    }
    expect(entry.data.source).toContain('local function main(payment: Payment)')
    expect(entry.data.imports).toEqual({money: 'app.lib:money'})
    expect(entry.meta.owner).toBe('payments')
  })

  it('refuses an unknown id with a did-you-mean and exit 1', async () => {
    const result = await runCli(['registry', 'show', 'app.workflows:paymnet', '-p', VALID])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('WIPPY_ENTRY_NOT_FOUND')
    expect(result.stderr).toContain('Did you mean "app.workflows:payment"?')
    const json = await runCli(['registry', 'show', 'charge_card', '--json', '-p', VALID])
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: {code: 'WIPPY_ENTRY_NOT_FOUND', message: expect.stringContaining('app.api:charge_card')},
    })
  })

  it('is a usage error without an id', async () => {
    const result = await runCli(['registry', 'show', '-p', VALID])
    expect(result.exitCode).toBe(2)
  })
})
