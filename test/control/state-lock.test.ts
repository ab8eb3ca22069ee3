/**
 * The state lock with real processes: racers take a lock whose holder was just SIGKILLed, and
 * exactly one wins every round, both with the abstract socket (Linux) and the generation-file
 * fallback. A SIGKILLed holder that is not yet reaped (a zombie) holds nothing. Needs
 * `npm run build` (the racers import dist/).
 */
import {type ResultPromise, execa} from 'execa'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createServer} from 'node:net'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {REPO} from '../helpers/dev-server.js'

const ROUNDS = 30
const RACERS = 4

/**
 * A racer: loads the lock module, says `ready`, and on each `go` line on stdin tries once (no
 * waiting): prints `won` (then holds until killed) or `lost <code>` (and waits for the next go).
 * With `now` it tries at once, without stdin.
 */
const RACER = `
import {acquireDevLock} from ${JSON.stringify(join(REPO, 'dist/control/dev-lock.js'))}
const [root, kind, when] = process.argv.slice(2)
const attempt = async () => {
  try {
    await acquireDevLock(root, {kind, waitMs: 0})
    process.stdout.write('won\\n')
    setInterval(() => {}, 1000)
  } catch (error) {
    process.stdout.write('lost ' + (error.code ?? error.message) + '\\n')
  }
}
process.stdout.write('ready\\n')
if (when === 'now') attempt()
else process.stdin.on('data', attempt)
`

let root: string
let racer: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wippy-lock-'))
  racer = join(root, 'racer.mjs')
  await writeFile(racer, RACER)
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
})

/** Starts a racer and resolves once it is loaded; `line()` gives its next output line. */
async function startRacer(env: Record<string, string>): Promise<{child: ResultPromise; line(): Promise<string>}> {
  const child = execa(process.execPath, [racer, root, 'dev'], {env, reject: false, stdin: 'pipe'})
  let buffer = ''
  const waiters: Array<(l: string) => void> = []
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk
    let nl
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const l = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      waiters.shift()?.(l)
    }
  })
  const line = () => new Promise<string>((resolve) => waiters.push(resolve))
  expect(await line()).toBe('ready')
  return {child, line}
}

async function raceRounds(env: Record<string, string>): Promise<number[]> {
  // Round 0 starts from a holder that was SIGKILLed too.
  let holder = await startRacer(env)
  holder.child.stdin!.write('go\n')
  expect(await holder.line()).toBe('won')
  // Losers race again next round; only the killed winner is replaced, so each round starts one process.
  const pool = await Promise.all(Array.from({length: RACERS}, () => startRacer(env)))
  const winnersPerRound: number[] = []
  try {
    for (let round = 0; round < ROUNDS; round++) {
      holder.child.kill('SIGKILL')
      await holder.child
      // All at once: one write each, back to back.
      for (const r of pool) r.child.stdin!.write('go\n')
      const outcomes = await Promise.all(pool.map((r) => r.line()))
      for (const [i, outcome] of outcomes.entries())
        if (outcome !== 'won') expect(outcome, `racer ${i} of round ${round}`).toBe('lost WIPPY_DEV_ALREADY_RUNNING')
      const winners = pool.filter((_, i) => outcomes[i] === 'won')
      winnersPerRound.push(winners.length)
      if (winners.length === 0) throw new Error(`nobody won round ${round}: ${outcomes.join(', ')}`)
      for (const extra of winners.slice(1)) extra.child.kill('SIGKILL')
      holder = winners[0]!
      const survivors = pool.filter((r) => !winners.includes(r))
      pool.splice(
        0,
        pool.length,
        ...survivors,
        ...(await Promise.all(Array.from({length: RACERS - survivors.length}, () => startRacer(env)))),
      )
    }
  } finally {
    for (const r of [holder, ...pool]) r.child.kill('SIGKILL')
    await Promise.all([holder, ...pool].map((r) => r.child))
  }
  return winnersPerRound
}

describe('state lock', () => {
  it.runIf(process.platform === 'linux')(
    `abstract socket: exactly one of ${RACERS} racers takes a SIGKILLed holder's lock, ${ROUNDS} rounds`,
    async () => {
      expect(await raceRounds({})).toEqual(Array(ROUNDS).fill(1))
    },
    120_000,
  )

  it(`generation-file fallback: exactly one of ${RACERS} racers takes a SIGKILLed holder's lock, ${ROUNDS} rounds`, async () => {
    expect(await raceRounds({WIPPY_LOCK_FALLBACK: '1'})).toEqual(Array(ROUNDS).fill(1))
  }, 120_000)

  it.runIf(process.platform === 'linux')(
    'a SIGKILLed holder not yet reaped (a zombie) holds nothing, in both modes',
    async () => {
      for (const env of [{}, {WIPPY_LOCK_FALLBACK: '1'}] as Array<Record<string, string>>) {
        // Given a holder whose parent never reaps it: `exec sleep` replaces the shell that started it
        const zombie = execa(
          'sh',
          ['-c', `${process.execPath} ${racer} ${root} dev now > /dev/null & echo $!; exec sleep 30`],
          {env, reject: false},
        )
        const pid = await new Promise<number>((resolve) =>
          zombie.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
        )
        await until(async () =>
          (await readFile(join(root, '.wippy/dev/dev.lock'), 'utf8').catch(() => '')).includes(`"pid":${pid}`),
        )
        process.kill(pid, 'SIGKILL')
        await until(async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.startsWith('Z'))
        // When another process takes the lock, it gets it (not "already runs (pid <zombie>)")
        const next = await startRacer(env)
        next.child.stdin!.write('go\n')
        expect(await next.line()).toBe('won')
        next.child.kill('SIGKILL')
        zombie.kill('SIGKILL')
        await Promise.all([next.child, zombie])
      }
    },
    30_000,
  )
})

describe.runIf(process.platform === 'linux')('state lock: a squatted abstract name', () => {
  it('is reported as WIPPY_LOCK_SQUATTED, never taken for a holder', async () => {
    // Given someone else binds the project's lock name and answers with a token not in dev.lock
    const {acquireDevLock, lockName} = await import('../../src/control/dev-lock.js')
    const {prepareStateDir} = await import('../../src/engine/state-dir.js')
    const dir = prepareStateDir(root, undefined, {create: true}).dir
    const squatter = createServer((c) => c.end('not-your-token\n'))
    await new Promise<void>((resolve) => squatter.listen(lockName(dir), () => resolve()))
    try {
      // When wippy takes the lock, it refuses with the name and a way to find the squatter
      await expect(acquireDevLock(root, {kind: 'dev'})).rejects.toMatchObject({
        code: 'WIPPY_LOCK_SQUATTED',
        hint: expect.stringContaining('ss -xlp'),
      })
    } finally {
      await new Promise((r) => squatter.close(r))
    }
    // And once it is gone, the lock is free
    const lock = await acquireDevLock(root, {kind: 'dev'})
    await lock.release()
  })
})

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
