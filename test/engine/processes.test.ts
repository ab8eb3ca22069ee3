/**
 * Processes and workflows in one engine: a supervised service started at engine start,
 * a workflow that messages it (recorded as a side effect, so replay does not resend) and
 * gets an answer back as a signal, and `ps` listing both kinds.
 */
import {afterEach, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {writeProject} from '../helpers/project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const FILES = {
  'src/svc/_index.yaml': `version: "1.0"
namespace: app.svc
entries:
  - name: echo
    kind: process.lua
    source: file://echo.lua
    method: main
  - name: echo_service
    kind: process.service
    process: app.svc:echo
    host: app:processes
    lifecycle:
      auto_start: true
  - name: ask
    kind: workflow.lua
    source: file://ask.lua
    method: main
    modules: []
`,
  'src/svc/echo.lua': `local function main()
  process.registry.register("echo")
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    local data = msg:payload():data()
    process.send(msg:from(), "answer", {echo = data.text, by = "echo"})
  end
end
return {main = main}
`,
  'src/svc/ask.lua': `local function main(text)
  process.send("echo", "ask", {text = text})
  local msg = process.inbox():receive()
  return msg:payload():data()
end
return {main = main}
`,
}

test('a workflow messages a supervised process by name and receives its answer', async () => {
  const project = writeProject(FILES)
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  // The auto_start service runs and is listed by ps
  const service = engine.ps().find((p) => p.kind === 'service')
  expect(service).toMatchObject({entry: 'app.svc:echo', id: 'app.svc:echo_service', status: 'running'})

  const {id} = await engine.spawn({entry: 'app.svc:ask', input: ['hello']})
  const outcome = await engine.wait(id)
  expect(outcome.result).toEqual({by: 'echo', echo: 'hello'})
  const events = (await engine.history(id)).events
  expect(events.find((e) => e.type === 'SignalSent')).toMatchObject({target: 'echo', topic: 'ask'})
  expect(events.find((e) => e.type === 'SignalReceived')).toMatchObject({topic: 'answer'})
  // Replaying the run does not send to the process again
  expect(await engine.replayCheck(id)).toMatchObject({ok: true})
})

test('the CLI-side signal reaches a plain process by its registered name', async () => {
  const project = writeProject({
    ...FILES,
    'src/svc/echo.lua': `local function main()
  process.registry.register("echo")
  local msg = process.inbox():receive()
  return msg:topic()
end
return {main = main}
`,
  })
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  // The service registers its name on its first step.
  for (let i = 0; i < 100 && !engine.processes!.host.lookup('echo'); i++) await new Promise((r) => setTimeout(r, 10))
  await engine.signal('echo', 'stop', [{}])
  for (let i = 0; i < 100 && engine.ps({all: true}).find((p) => p.kind === 'service')?.status !== 'exited'; i++)
    await new Promise((r) => setTimeout(r, 20))
  expect(engine.ps({all: true}).find((p) => p.kind === 'service')).toMatchObject({status: 'exited'})
})
