/**
 * A process host over a real temp project: real registry loading, real Lua VM, real timers.
 * `procProject({name: lua})` writes `src/procs/_index.yaml` with one process.lua entry per
 * name (namespace `app.procs`) plus any extra YAML entries given; `addApprovalWorkflow` adds
 * the one workflow the process ↔ workflow tests start.
 */
import {afterEach} from 'vitest'

import {programSpecOf} from '../../src/engine/code-catalog.js'
import {Node} from '../../src/engine/node.js'
import {ProcessHost, type ProcessHostOptions} from '../../src/hosts/processes/index.js'
import {loadRegistry, type Registry} from '../../src/registry/index.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** Registers a cleanup run after the current test. */
export function onCleanup(c: () => Promise<void> | void): void {
  cleanups.push(c)
}

/** Writes a project with `app.procs:<name>` process.lua entries and extra YAML entries. */
export function procProject(procs: Record<string, string>, extraEntries = ''): TempProject {
  const files: Record<string, string> = {}
  let yaml = 'version: "1.0"\nnamespace: app.procs\nentries:\n'
  for (const [name, lua] of Object.entries(procs)) {
    yaml += `  - name: ${name}\n    kind: process.lua\n    source: file://${name}.lua\n    method: main\n    modules: [time, logger, uuid, env, ctx, funcs]\n`
    files[`src/procs/${name}.lua`] = lua
  }
  files['src/procs/_index.yaml'] = yaml + extraEntries
  const p = writeProject(files)
  cleanups.push(() => p.remove())
  return p
}

/** Adds the workflow `app.wf:approval` (module `time`) to `project`, with `lua` as its source. */
export function addApprovalWorkflow(project: TempProject, lua: string): void {
  project.write(
    'src/wf/_index.yaml',
    `version: "1.0"
namespace: app.wf
entries:
  - name: approval
    kind: workflow.lua
    source: file://approval.lua
    method: main
    modules: [time]
`,
  )
  project.write('src/wf/approval.lua', lua)
}

export interface HostFixture {
  host: ProcessHost
  /** The PID directory the host registered with (a function caller may register too). */
  node: Node
  logs: Array<{level: string; message: string; pid: string}>
  registry: Registry
}

/** Loads the project's registry and starts a ProcessHost on it. */
export async function startHost(project: TempProject, extra: Partial<ProcessHostOptions> = {}): Promise<HostFixture> {
  const registry = await loadRegistry(project.root, {env: {}})
  const errors = registry.problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.code} ${e.message}`).join('\n'))
  const logs: HostFixture['logs'] = []
  const fixture: HostFixture = {
    host: undefined as unknown as ProcessHost,
    logs,
    node: undefined as unknown as Node,
    registry,
  }
  fixture.node = (extra.node as Node | undefined) ?? new Node(() => fixture.registry)
  fixture.host = await ProcessHost.create({
    log: (pid, level, message) => logs.push({level, message, pid}),
    registry: () => fixture.registry,
    resolveProcess: (id) => {
      const entry = fixture.registry.entries.get(id)
      return entry?.kind === 'process.lua' ? programSpecOf(fixture.registry, entry, 'process') : undefined
    },
    ...extra,
    node: fixture.node,
  })
  cleanups.push(() => fixture.host.close())
  return fixture
}

export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now()
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 5))
  }
}
