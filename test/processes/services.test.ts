/**
 * `process.service` supervision with real Lua processes and tiny real backoff delays.
 */
import {describe, expect, test} from 'vitest'

import {ServiceSupervisor, type ServiceStatus, backoffDelay} from '../../src/hosts/processes/index.js'
import {loadRegistry} from '../../src/registry/index.js'
import {type HostFixture, onCleanup, procProject, startHost, waitFor} from './helpers.js'

const mod = (body: string): string => `local function main(...)\n${body}\nend\nreturn {main = main}\n`

function service(name: string, proc: string, lifecycle: string, input = ''): string {
  return `  - name: ${name}
    kind: process.service
    process: ${proc}
    host: app:processes
${input ? `    input: ${input}\n` : ''}    lifecycle:
${lifecycle
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`
}

async function supervise(fixture: HostFixture, options: {stopGraceMs?: number} = {}) {
  const changes: ServiceStatus[] = []
  const logs: string[] = []
  const sup = new ServiceSupervisor({
    host: fixture.host,
    log: (_id, level, message) => logs.push(`${level}: ${message}`),
    onChange: (s) => changes.push(s),
    registry: fixture.registry,
    stopGraceMs: 100,
    ...options,
  })
  onCleanup(() => sup.stopAll())
  await sup.start()
  return {changes, logs, sup}
}

const CRASHER = `local time = require("time")
local function main(label)
  time.sleep("2ms")
  error("crash " .. label)
end
return {main = main}`

describe('service supervision', () => {
  test('a crashing service restarts with backoff and gives up after max_attempts; others keep running', async () => {
    // Given a service that always crashes (2 restarts allowed, 10 ms initial delay, factor 2)
    // and a healthy service that waits for messages
    const p = procProject(
      {crasher: CRASHER, healthy: mod(`return process.inbox():receive():payload():data()`)},
      service(
        'crashy',
        'crasher',
        `auto_start: true\nrestart: {initial_delay: 10ms, backoff_factor: 2, max_delay: 1s, max_attempts: 2}`,
        '["c"]',
      ) + service('steady', 'healthy', 'auto_start: true'),
    )
    const fixture = await startHost(p)
    const t0 = Date.now()
    const {changes, logs, sup} = await supervise(fixture)
    // When it has failed for good
    await waitFor(() => sup.get('app.procs:crashy')?.gaveUp === true)
    const elapsed = Date.now() - t0
    // Then it ran 3 times (start + 2 restarts), waited 10 + 20 ms between runs, and reports the last crash
    const crashy = sup.get('app.procs:crashy')!
    expect(crashy).toMatchObject({attempts: 2, restarts: 2, state: 'Failed'})
    expect(crashy.lastError?.message).toMatch(/crash c/)
    expect(crashy.lastError?.traceback).toMatch(/crasher\.lua/)
    expect(elapsed).toBeGreaterThanOrEqual(30)
    const states = changes.filter((c) => c.id === 'app.procs:crashy').map((c) => c.state)
    expect(states).toEqual([
      'Starting',
      'Running',
      'Failed',
      'Starting',
      'Running',
      'Failed',
      'Starting',
      'Running',
      'Failed',
    ])
    expect(logs.at(-1)).toMatch(/gave up after 2 restarts: .*crash c/s)
    // And the healthy service is untouched
    expect(sup.get('app.procs:steady')).toMatchObject({restarts: 0, state: 'Running'})
    expect(fixture.host.list().some((s) => s.service === 'app.procs:steady' && s.kind === 'service')).toBe(true)
  })

  test('an error with retryable=false is not restarted; a normal return is Exited and not restarted', async () => {
    const p = procProject(
      {
        fatal: mod(`return nil, errors.new({message = "bad config", kind = "Invalid", retryable = false})`),
        oneshot: mod(`return "done"`),
      },
      service('fatal_svc', 'fatal', `auto_start: true\nrestart: {initial_delay: 5ms}`) +
        service('oneshot_svc', 'oneshot', `auto_start: true\nrestart: {initial_delay: 5ms}`),
    )
    const fixture = await startHost(p)
    const {sup} = await supervise(fixture)
    await waitFor(
      () => sup.get('app.procs:fatal_svc')?.state === 'Failed' && sup.get('app.procs:oneshot_svc')?.state === 'Exited',
    )
    await new Promise((r) => setTimeout(r, 40))
    expect(sup.get('app.procs:fatal_svc')).toMatchObject({
      gaveUp: true,
      lastError: {message: 'bad config'},
      restarts: 0,
      state: 'Failed',
    })
    expect(sup.get('app.procs:oneshot_svc')).toMatchObject({restarts: 0, state: 'Exited'})
  })

  test('requires orders start-up, also pulling in services that do not auto-start', async () => {
    const p = procProject(
      {idle: mod(`process.events():receive()\nreturn true`)},
      service('web', 'idle', 'auto_start: true\nrequires: [cache, db]') +
        service('cache', 'idle', 'auto_start: true\nrequires: [db]') +
        service('db', 'idle', 'auto_start: false'),
    )
    const fixture = await startHost(p)
    const {changes} = await supervise(fixture)
    const order = changes.filter((c) => c.state === 'Running').map((c) => c.id)
    expect(order).toEqual(['app.procs:db', 'app.procs:cache', 'app.procs:web'])
  })

  test('stop sends CANCEL "service stopping"; a service that ignores it is terminated after the grace period', async () => {
    const p = procProject(
      {
        polite: mod(`local e = process.events():receive()\nreturn e.reason`),
        deaf: mod(`local time = require("time")\nwhile true do time.sleep("1s") end`),
      },
      service('polite_svc', 'polite', 'auto_start: true') + service('deaf_svc', 'deaf', 'auto_start: true'),
    )
    const fixture = await startHost(p)
    const {sup} = await supervise(fixture, {stopGraceMs: 400})
    const politePid = sup.get('app.procs:polite_svc')!.pid!
    const deafPid = sup.get('app.procs:deaf_svc')!.pid!
    const exits = [fixture.host.waitForExit(politePid), fixture.host.waitForExit(deafPid)]
    await Promise.all([sup.stopService('app.procs:polite_svc'), sup.stopService('app.procs:deaf_svc')])
    expect((await exits[0])!.value).toBe('service stopping')
    expect((await exits[1])!.error?.message).toBe('process terminated')
    expect(sup.list().map((s) => s.state)).toEqual(['Stopped', 'Stopped'])
  })

  test('a run longer than stable_threshold resets the restart count', async () => {
    // Given max_attempts 1 but runs of ~30 ms against a 10 ms stable threshold
    const p = procProject(
      {late: mod(`require("time").sleep("30ms")\nerror("late crash")`)},
      service(
        'late_svc',
        'late',
        `auto_start: true\nstable_threshold: 10ms\nrestart: {initial_delay: 1ms, max_attempts: 1}`,
      ),
    )
    const fixture = await startHost(p)
    const {sup} = await supervise(fixture)
    // Then it keeps restarting past max_attempts and never gives up
    await waitFor(() => (sup.get('app.procs:late_svc')?.restarts ?? 0) >= 3)
    expect(sup.get('app.procs:late_svc')).toMatchObject({attempts: 1, gaveUp: false})
  })

  test('a reload restarts a service whose process code changed', async () => {
    const p = procProject({v: mod(`process.events():receive()\nreturn "v1"`)}, service('svc', 'v', 'auto_start: true'))
    const fixture = await startHost(p)
    const {sup} = await supervise(fixture)
    const first = sup.get('app.procs:svc')!.pid!
    p.write('src/procs/v.lua', mod(`process.events():receive()\nreturn "v2"`))
    fixture.registry = await loadRegistry(p.root, {env: {}})
    const report = await sup.applyRegistry(fixture.registry)
    expect(report.restarted).toEqual(['app.procs:svc'])
    const second = sup.get('app.procs:svc')!.pid!
    expect(second).not.toBe(first)
    expect((await fixture.host.waitForExit(first)).value).toBe('v1')
    await sup.stopService('app.procs:svc')
    expect((await fixture.host.waitForExit(second)).value).toBe('v2')
  })

  test('a reload restarts a service whose imported library changed', async () => {
    const p = procProject(
      {},
      `  - name: greet
    kind: library.lua
    source: file://greet.lua
  - name: greeter
    kind: process.lua
    source: file://greeter.lua
    method: main
    imports: {greet: app.procs:greet}
` + service('svc', 'greeter', 'auto_start: true'),
    )
    p.write('src/procs/greet.lua', 'return {word = "hello"}\n')
    p.write('src/procs/greeter.lua', mod(`process.events():receive()\nreturn require("greet").word`))
    const fixture = await startHost(p)
    const {sup} = await supervise(fixture)
    const first = sup.get('app.procs:svc')!.pid!
    p.write('src/procs/greet.lua', 'return {word = "bonjour"}\n')
    fixture.registry = await loadRegistry(p.root, {env: {}})
    expect((await sup.applyRegistry(fixture.registry)).restarted).toEqual(['app.procs:svc'])
    expect((await fixture.host.waitForExit(first)).value).toBe('hello')
    const second = sup.get('app.procs:svc')!.pid!
    await sup.stopService('app.procs:svc')
    expect((await fixture.host.waitForExit(second)).value).toBe('bonjour')
  })

  test('backoff doubles from initial_delay and is capped at max_delay', () => {
    const policy = {backoffFactor: 2, initialDelayMs: 1000, maxDelayMs: 90_000}
    expect([1, 2, 3, 8].map((n) => backoffDelay(policy, n))).toEqual([1000, 2000, 4000, 90_000])
  })
})
