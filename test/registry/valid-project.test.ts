import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {
  KNOWN_KINDS,
  RUN_KINDS,
  assertNoErrors,
  kindSchemas,
  loadRegistry,
  luaEntryConfig,
  processHostConfig,
  processServiceConfig,
  resolveRef,
  temporalClientConfig,
  temporalWorkerConfig,
} from '../../src/registry/index.js'
import {WippyError} from '../../src/errors.js'
import {z} from 'zod'

const VALID = fileURLToPath(new URL('../fixtures/projects/valid/', import.meta.url)).replace(/\/$/, '')

describe('loading the valid fixture project', () => {
  it('loads every run kind with no problems', async () => {
    const registry = await loadRegistry(VALID)
    expect(registry.problems).toEqual([])
    expect(registry.srcDirs).toEqual([`${VALID}/src`])
    const kinds = new Set([...registry.entries.values()].map((e) => e.kind))
    for (const kind of RUN_KINDS) expect(kinds).toContain(kind)
    expect(() => assertNoErrors(registry)).not.toThrow()
  })

  it('records where each entry is declared and reads file:// sources', async () => {
    const registry = await loadRegistry(VALID)
    const payment = registry.entries.get('app.workflows:payment')
    expect(payment).toMatchObject({
      namespace: 'app.workflows',
      name: 'payment',
      kind: 'workflow.lua',
      file: 'src/app/workflows/_index.yaml',
      line: 6,
      column: 5,
      sourceFile: 'src/app/workflows/payment.lua',
    })
    expect(payment?.data.source).toContain('time.sleep("24h")')
    expect(payment?.meta).toMatchObject({temporal: {workflow: {worker: 'app:temporal_worker'}}})
  })

  it('merges file-level meta into entries and accepts explicit data:', async () => {
    const registry = await loadRegistry(VALID)
    const charge = registry.entries.get('app.api:charge_card')
    expect(charge?.meta).toEqual({
      owner: 'payments',
      temporal: {activity: {worker: 'app:temporal_worker'}},
      comment: "Charges the customer's card; called from the payment workflow.",
    })
    const refund = registry.entries.get('app.api:refund')
    expect(refund?.sourceFile).toBe('src/app/api/refund.lua')
    expect(refund?.data).toMatchObject({method: 'main', modules: ['json', 'uuid']})
  })

  it('gives typed views with references resolved and lifecycle defaults filled in', async () => {
    const registry = await loadRegistry(VALID)
    const get = (id: string) => {
      const e = registry.entries.get(id)
      if (!e) throw new Error(`missing ${id}`)
      return e
    }
    expect(luaEntryConfig(get('app.api:charge_card'))).toMatchObject({
      method: 'main',
      modules: ['json', 'uuid'],
      imports: {money: 'app.lib:money'},
    })
    expect(luaEntryConfig(get('app.lib:money')).method).toBe('main')
    const service = processServiceConfig(get('app.jobs:counter_service'))
    expect(service).toMatchObject({process: 'app.jobs:counter', host: 'app:processes', input: [0]})
    expect(service.lifecycle).toEqual({
      autoStart: true,
      stableThresholdMs: 5000,
      requires: ['app:processes'],
      restart: {initialDelayMs: 500, maxDelayMs: 90_000, backoffFactor: 2, maxAttempts: 5},
    })
    expect(processHostConfig(get('app:processes'))).toMatchObject({workers: 4, queueSize: 1024, localQueueSize: 256})
    expect(temporalClientConfig(get('app:temporal_client'))).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
    })
    expect(temporalWorkerConfig(get('app:temporal_worker'))).toMatchObject({
      client: 'app:temporal_client',
      taskQueue: 'orders',
    })
    expect(() => luaEntryConfig(get('app:processes'))).toThrow(WippyError)
  })

  it('resolves bare names in the referring namespace', () => {
    expect(resolveRef('charge_card', 'app.api')).toBe('app.api:charge_card')
    expect(resolveRef('app:processes', 'app.api')).toBe('app:processes')
  })

  it('exports a zod schema per run kind that converts to JSON Schema', () => {
    for (const kind of RUN_KINDS) {
      expect(KNOWN_KINDS).toContain(kind)
      const schema = z.toJSONSchema(kindSchemas[kind], {io: 'input', unrepresentable: 'any'}) as {type?: string}
      expect(schema.type).toBe('object')
    }
  })
})
