/**
 * `wippy lint` and `wippy lint --strict` on the Temporal-parity warnings, through the built CLI
 * (run `npm run build` first): warnings with file:line, the source line and a hint; --strict
 * turns only them into errors (exit 1, the one --json failure shape); the templates are clean.
 */
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const PROJECTS = join(REPO, 'test/fixtures/projects')
const projects: TempProject[] = []
afterEach(() => {
  for (const p of projects.splice(0)) p.remove()
})

/** One project with each kind of parity problem, and nothing else wrong. */
function parityProject(): TempProject {
  const p = writeProject({
    'src/flows/_index.yaml': `version: "1.0"
namespace: app.flows
entries:
  - name: main
    kind: workflow.lua
    source: file://main.lua
    method: main
    modules: [funcs]
  - name: step
    kind: function.lua
    source: file://step.lua
    method: main
    meta:
      options:
        heartbeat_timeout: 10s
      temporal:
        activity:
          local: true
`,
    'src/flows/main.lua': `local funcs = require("funcs")
local function main()
    local n = math.random(1, 6)
    process.spawn("app.flows:main", "app:temporal_worker", n)
    return funcs.call("app.flows:step", n)
end
return {main = main}
`,
    'src/flows/step.lua': 'return {main = function(n) return n end}\n',
  })
  projects.push(p)
  return p
}

const CODES = [
  'WIPPY_PARITY_UNBOUND_WORKFLOW',
  'WIPPY_PARITY_OPTION_UNSUPPORTED',
  'WIPPY_PARITY_OPTION_IGNORED',
  'WIPPY_PARITY_MATH_RANDOM',
  'WIPPY_PARITY_SPAWN_QUEUE',
  'WIPPY_PARITY_UNBOUND_ACTIVITY',
]

describe('wippy lint: Temporal-parity warnings', () => {
  it('prints each as a located warning with its source line and hint, and exits 0', async () => {
    const result = await runCli(['lint', '-p', parityProject().root])
    expect(result.exitCode, result.stderr).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(
      "src/flows/_index.yaml:4:5 warning WIPPY_PARITY_UNBOUND_WORKFLOW Workflow app.flows:main has no `meta.temporal.workflow.worker`: the platform does not register it, so it can't start there (wippy runs it anyway).",
    )
    expect(lines[1]).toBe('    4 |   - name: main')
    expect(lines[3]).toBe(
      '    hint: Bind it to the worker that hosts it: meta.temporal.workflow.worker: app:temporal_worker.',
    )
    expect(result.stdout).toContain('src/flows/main.lua:3:15 warning WIPPY_PARITY_MATH_RANDOM')
    expect(result.stdout).toContain('src/flows/main.lua:4:38 warning WIPPY_PARITY_SPAWN_QUEUE')
    expect(result.stdout).toContain('    hint: Pass the worker\'s task queue instead: "main".')
    expect(result.stdout).toContain('src/flows/main.lua:5:24 warning WIPPY_PARITY_UNBOUND_ACTIVITY')
    expect(result.stdout).toContain('src/flows/_index.yaml:15:28 warning WIPPY_PARITY_OPTION_UNSUPPORTED')
    expect(result.stdout).toContain('src/flows/_index.yaml:18:18 warning WIPPY_PARITY_OPTION_IGNORED')
    expect(lines.at(-2)).toBe('0 errors, 6 warnings.')
  })

  it('--strict makes them errors: exit 1, and under --json the one failure shape', async () => {
    const root = parityProject().root
    const text = await runCli(['lint', '--strict', '-p', root])
    expect(text.exitCode).toBe(1)
    expect(text.stdout).toContain('src/flows/_index.yaml:4:5 error WIPPY_PARITY_UNBOUND_WORKFLOW')
    expect(text.stdout).toContain('6 errors, 0 warnings.')
    expect(text.stderr).toContain(
      'WIPPY_LINT_FAILED: Lint found 6 errors (6 of them Temporal-parity warnings, errors under --strict).',
    )

    const json = await runCli(['lint', '--strict', '--json', '-p', root])
    expect(json.exitCode).toBe(1)
    const out = JSON.parse(json.stdout) as {
      error: {code: string; details: {result: {problems: Array<{code: string; severity: string}>; errors: number}}}
    }
    expect(Object.keys(out)).toEqual(['error'])
    expect(out.error.code).toBe('WIPPY_LINT_FAILED')
    const {problems, errors} = out.error.details.result
    expect(errors).toBe(6)
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set(CODES))
    expect(problems.every((p) => p.severity === 'error')).toBe(true)

    // Without --strict the same project passes under --json, the problems as warnings
    const loose = await runCli(['lint', '--json', '-p', root])
    expect(loose.exitCode).toBe(0)
    expect(JSON.parse(loose.stdout)).toMatchObject({errors: 0, warnings: 6})
  })

  it('--strict leaves other warnings as warnings (exit 0)', async () => {
    const result = await runCli(['lint', '--strict', '-p', join(PROJECTS, 'broken-kind-not-run')])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('warning WIPPY_KIND_NOT_RUN')
    expect(result.stdout).toContain('0 errors, 1 warning.')
  })

  it.each([...readdirSync(join(REPO, 'templates')).map((t) => `templates/${t}`), 'test/fixtures/projects/valid'])(
    '%s lints clean with and without --strict',
    async (dir) => {
      for (const args of [
        ['lint', '--json'],
        ['lint', '--strict', '--json'],
      ]) {
        const result = await runCli([...args, '-p', join(REPO, dir)])
        expect(result.exitCode, result.stdout).toBe(0)
        expect(JSON.parse(result.stdout)).toEqual({problems: [], errors: 0, warnings: 0})
      }
    },
  )
})
