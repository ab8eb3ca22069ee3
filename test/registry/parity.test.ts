/**
 * The Temporal-parity warnings (WIPPY_PARITY_*), one real project per warning: each is found
 * where the platform would behave differently, points at the YAML entry or the Lua call, has a
 * hint, and stays quiet on the spelling the platform accepts.
 */
import {afterEach, describe, expect, it} from 'vitest'

import {type Problem, loadRegistry} from '../../src/registry/index.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const projects: TempProject[] = []
afterEach(() => {
  for (const p of projects.splice(0)) p.remove()
})

const BOUND_WF = `    meta:
      temporal:
        workflow:
          worker: app:temporal_worker
`
const BOUND_ACT = `    meta:
      temporal:
        activity:
          worker: app:temporal_worker
`

/** A project with workflow `app.flows:main` (source `lua`) and function `app.flows:step`. */
function flowProject(lua: string, extra: {step?: string; files?: Record<string, string>; workflow?: string} = {}) {
  const p = writeProject({
    'src/flows/_index.yaml': `version: "1.0"
namespace: app.flows
entries:
  - name: main
    kind: workflow.lua
    source: file://main.lua
    method: main
    modules: [funcs]
${extra.workflow ?? BOUND_WF}  - name: step
    kind: function.lua
    source: file://step.lua
    method: main
${extra.step ?? BOUND_ACT}`,
    'src/flows/main.lua': lua,
    'src/flows/step.lua': 'return {main = function() return 1 end}\n',
    ...extra.files,
  })
  projects.push(p)
  return p
}

async function parity(root: string): Promise<Problem[]> {
  const registry = await loadRegistry(root)
  expect(registry.problems.filter((p) => p.severity === 'error')).toEqual([])
  return registry.problems.filter((p) => p.code.startsWith('WIPPY_PARITY_'))
}

const main = (body: string) =>
  `local funcs = require("funcs")\nlocal function main()\n${body}\nend\nreturn {main = main}\n`

describe('WIPPY_PARITY_UNBOUND_WORKFLOW', () => {
  it('points at a workflow entry without meta.temporal.workflow.worker and names the worker to bind', async () => {
    const p = flowProject(main('  return 1'), {workflow: ''})
    expect(await parity(p.root)).toMatchObject([
      {
        code: 'WIPPY_PARITY_UNBOUND_WORKFLOW',
        severity: 'warning',
        file: 'src/flows/_index.yaml',
        line: 4,
        column: 5,
        entryId: 'app.flows:main',
        hint: expect.stringContaining('meta.temporal.workflow.worker: app:temporal_worker'),
      },
    ])
  })

  it('points at a binding to a worker that does not exist, with a did-you-mean', async () => {
    const p = flowProject(main('  return 1'), {
      workflow: BOUND_WF.replace('app:temporal_worker', 'app:temporal_wroker'),
    })
    const [problem, ...rest] = await parity(p.root)
    expect(rest).toEqual([])
    expect(problem).toMatchObject({code: 'WIPPY_PARITY_UNBOUND_WORKFLOW', file: 'src/flows/_index.yaml', line: 12})
    expect(problem?.message).toContain('Did you mean "app:temporal_worker"?')
  })

  it('says nothing for a bound workflow', async () => {
    expect(await parity(flowProject(main('  return 1')).root)).toEqual([])
  })
})

describe('WIPPY_PARITY_UNBOUND_ACTIVITY', () => {
  it('flags each literal activity call of an unbound function, at the ID in the Lua file', async () => {
    const p = flowProject(
      main(
        [
          '  funcs.call("app.flows:step")',
          '  funcs.async("app.flows:step", 1)',
          '  funcs.new():with_options({}):call("app.flows:step")',
          '  local e = funcs.new()',
          "  e:async('app.flows:step')",
          '  -- funcs.call("app.flows:step") in a comment',
        ].join('\n'),
      ),
      {step: ''},
    )
    const found = await parity(p.root)
    expect(found.map((f) => `${f.code} ${f.file}:${f.line}:${f.column}`)).toEqual([
      'WIPPY_PARITY_UNBOUND_ACTIVITY src/flows/main.lua:3:15',
      'WIPPY_PARITY_UNBOUND_ACTIVITY src/flows/main.lua:4:16',
      'WIPPY_PARITY_UNBOUND_ACTIVITY src/flows/main.lua:5:38',
      'WIPPY_PARITY_UNBOUND_ACTIVITY src/flows/main.lua:7:12',
    ])
    expect(found[0]?.hint).toContain('Add meta.temporal.activity.worker: app:temporal_worker to app.flows:step')
  })

  it('flags an activity bound to a worker on another task queue than the workflow', async () => {
    const p = flowProject(main('  funcs.call("app.flows:step")'), {
      step: BOUND_ACT.replace('app:temporal_worker', 'app:other_worker'),
      files: {
        'src/other/_index.yaml': `version: "1.0"
namespace: app
entries:
  - name: other_worker
    kind: temporal.worker
    client: app:temporal_client
    task_queue: other
`,
      },
    })
    const found = await parity(p.root)
    expect(found).toMatchObject([{code: 'WIPPY_PARITY_UNBOUND_ACTIVITY', line: 3}])
    expect(found[0]?.message).toContain('task queue "other"')
  })

  it('says nothing for bound activities, or for calls from plain processes', async () => {
    expect(await parity(flowProject(main('  funcs.call("app.flows:step")')).root)).toEqual([])
    const p = flowProject(main('  return 1'), {
      step: '',
      files: {
        'src/jobs/_index.yaml': `version: "1.0"
namespace: app.jobs
entries:
  - name: job
    kind: process.lua
    source: file://job.lua
    method: main
    modules: [funcs]
`,
        'src/jobs/job.lua':
          'local funcs = require("funcs")\nreturn {main = function() funcs.call("app.flows:step") end}\n',
      },
    })
    expect(await parity(p.root)).toEqual([])
  })
})

describe('WIPPY_PARITY_MATH_RANDOM', () => {
  it('flags math.random in workflow code and in a library the workflow imports, not in functions or comments', async () => {
    const p = flowProject(main('  local n = math.random(1, 6)\n  -- math.random() here is a comment'), {
      workflow: `    imports:
      dice: app.flows:dice
${BOUND_WF}`,
      files: {
        'src/flows/step.lua': 'return {main = function() return math.random() end}\n',
        'src/lib/_index.yaml': `version: "1.0"
namespace: app.flows
entries:
  - name: dice
    kind: library.lua
    source: file://dice.lua
`,
        'src/lib/dice.lua': 'local M = {}\nfunction M.roll() return math.random(6) end\nreturn M\n',
      },
    })
    const found = await parity(p.root)
    expect(found.map((f) => `${f.code} ${f.file}:${f.line}:${f.column} ${f.entryId}`)).toEqual([
      'WIPPY_PARITY_MATH_RANDOM src/flows/main.lua:3:13 app.flows:main',
      'WIPPY_PARITY_MATH_RANDOM src/lib/dice.lua:2:26 app.flows:dice',
    ])
    expect(found[0]?.hint).toContain('funcs.call')
    expect(found[1]?.message).toContain('imported by workflow app.flows:main')
  })
})

describe('WIPPY_PARITY_SPAWN_QUEUE', () => {
  it('flags a child spawned on a worker ID, with the task queue to pass instead', async () => {
    const p = flowProject(
      main(
        [
          '  process.spawn("app.flows:main", "app:temporal_worker", 1)',
          '  process.exec("app.flows:main", "main")',
          '  process.with_options({}):spawn_monitored("app.flows:main", "nowhere")',
        ].join('\n'),
      ),
    )
    const found = await parity(p.root)
    expect(found.map((f) => `${f.code} ${f.line}:${f.column}`)).toEqual([
      'WIPPY_PARITY_SPAWN_QUEUE 3:36',
      'WIPPY_PARITY_SPAWN_QUEUE 5:63',
    ])
    expect(found[0]?.hint).toBe('Pass the worker\'s task queue instead: "main".')
    expect(found[1]?.message).toContain('no temporal.worker serves "nowhere"')
  })

  it('says nothing for a worker ID spawned from a plain process (the host is a host there)', async () => {
    const p = flowProject(main('  return 1'), {
      files: {
        'src/jobs/_index.yaml': `version: "1.0"
namespace: app.jobs
entries:
  - name: job
    kind: process.lua
    source: file://job.lua
    method: main
`,
        'src/jobs/job.lua': 'return {main = function() process.spawn("app.flows:main", "app:temporal_worker") end}\n',
      },
    })
    expect(await parity(p.root)).toEqual([])
  })
})

describe('WIPPY_PARITY_OPTION_UNSUPPORTED and WIPPY_PARITY_OPTION_IGNORED', () => {
  it('flags options wippy does not implement in meta.options and in Lua, and `local` in an activity binding', async () => {
    const p = flowProject(
      main(
        [
          '  funcs.new():with_options({heartbeat_timeout = "5s", start_to_close_timeout = "1m"}):call("app.flows:step")',
          '  funcs.new():with_options{["activity.task_queue"] = "q", retry_policy = {maximum_attempts = 2}}',
          '  process.with_options({["temporal.workflow.cron_schedule"] = "* * * * *", ["temporal.workflow.id"] = "x"})',
          '  process.with_context({}):with_options({id = "x"})',
          '  process.with_context({})\n    :with_options({id = "x"})',
          '  return funcs.new()\n    :with_options({wait_for_cancellation = true})',
        ].join('\n'),
      ),
      {
        step: `    meta:
      options:
        start_to_close_timeout: 1m
        schedule_to_start_timeout: 5m
      temporal:
        activity:
          worker: app:temporal_worker
          local: true
`,
      },
    )
    const found = await parity(p.root)
    expect(found.map((f) => `${f.code} ${f.file}:${f.line}:${f.column}`)).toEqual([
      'WIPPY_PARITY_OPTION_UNSUPPORTED src/flows/_index.yaml:20:36',
      'WIPPY_PARITY_OPTION_IGNORED src/flows/_index.yaml:24:18',
      'WIPPY_PARITY_OPTION_UNSUPPORTED src/flows/main.lua:3:29',
      'WIPPY_PARITY_OPTION_UNSUPPORTED src/flows/main.lua:4:28',
      'WIPPY_PARITY_OPTION_UNSUPPORTED src/flows/main.lua:5:25',
      'WIPPY_PARITY_OPTION_UNSUPPORTED src/flows/main.lua:10:20',
    ])
    expect(found[0]?.message).toContain('schedule_to_start_timeout')
    expect(found[4]?.message).toContain('temporal.workflow.cron_schedule')
    expect(found[5]?.message).toContain('wait_for_cancellation')
    for (const f of found) expect(f.hint?.length).toBeGreaterThan(10)
  })
})
