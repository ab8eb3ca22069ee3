/**
 * The full-disk phase of `npm run torture`: a `wippy dev` whose state dir is a small tmpfs.
 * In cycles it fills the disk to the last byte and keeps sending signals (each either
 * acknowledged or refused, and a refusal must name the disk), then frees the space and sends
 * more, which must all be acknowledged at once (no restart). At the end it SIGKILLs the
 * server, restarts it, stops every collector and checks, run by run, that its history holds
 * exactly the acknowledged signals, in order, and that its code saw exactly those.
 *
 * Needs root (mount -t tmpfs); skipped with the reason otherwise.
 */
import {execFileSync} from 'node:child_process'
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'

import {requireControl} from '../dist/control/client.js'
import {HistoryStore} from '../dist/history/store.js'

const COLLECTOR = `local function main()
  local got = {}
  local inbox = process.inbox()
  while true do
    local data = inbox:receive():payload():data()
    if data.stop then return {got = got} end
    table.insert(got, data.i)
  end
end
return {main = main}
`
const STORAGE_CODES = new Set(['WIPPY_DISK_FULL'])

/**
 * @param {{repo: string, random: () => number, cycles?: number, collectors?: number, signals?: number}} options
 * @returns {Promise<{skipped?: string, acked: number, refused: number, lost: number, recordedRefused: number, wrongCode: number, notRecovered: number, wrongResult: number, seconds: number}>}
 */
export async function diskFullPhase({repo, random, cycles = 3, collectors = 4, signals = 24}) {
  const t0 = performance.now()
  const root = collectorProject(repo, 'wippy-torture-disk-')
  const state = join(root, '.wippy')
  mkdirSync(state, {recursive: true})
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', state], {stdio: 'pipe'})
  } catch (error) {
    rmSync(root, {force: true, recursive: true})
    return {skipped: `mount -t tmpfs is not permitted (${String(error.stderr ?? error).trim()})`}
  }
  const report = {acked: 0, lost: 0, notRecovered: 0, recordedRefused: 0, refused: 0, wrongCode: 0, wrongResult: 0}
  const ackedBy = new Map() // workflow id -> [i, ...] acknowledged, in order
  const refusedBy = new Map() // workflow id -> Set(i) refused
  let next = 0
  const send = async (client, id) => {
    const i = next++
    try {
      await client.signal({payload: [{i, pad: 'x'.repeat(500 + Math.floor(random() * 3000))}], pid: id, topic: 'go'})
      ackedBy.get(id).push(i)
      report.acked++
      return true
    } catch (error) {
      refusedBy.get(id).add(i)
      report.refused++
      if (!STORAGE_CODES.has(error.code)) {
        report.wrongCode++
        if (report.wrongCode <= 3)
          console.error(`  disk full: signal ${i} refused with ${error.code}: ${error.message}`)
      }
      return false
    }
  }
  try {
    let dev = await startDev(repo, root)
    const ids = Array.from({length: collectors}, (_, k) => `c${k}`)
    for (const id of ids) {
      await dev.client.spawn({entry: 'app.flows:collector', id, input: []})
      ackedBy.set(id, [])
      refusedBy.set(id, new Set())
    }
    for (let cycle = 0; cycle < cycles; cycle++) {
      const filler = fillDisk(join(state, 'filler'))
      for (let s = 0; s < signals; s++) await send(dev.client, ids[Math.floor(random() * ids.length)])
      unlinkSync(filler)
      // With space back, every run takes signals again at once: no restart.
      for (let s = 0; s < signals / 2; s++) if (!(await send(dev.client, ids[s % ids.length]))) report.notRecovered++
    }
    await dev.kill()
    dev = await startDev(repo, root)
    for (const id of ids) await dev.client.signal({payload: [{stop: true}], pid: id, topic: 'go'})
    const store = new HistoryStore(join(state, 'dev/histories'))
    for (let tries = 0; ; tries++) {
      const open = (await dev.client.ps({filter: {all: true}})).filter(
        (r) => ids.includes(r.id) && r.status !== 'completed',
      )
      if (open.length === 0 || tries > 500) break
      await new Promise((r) => setTimeout(r, 20))
    }
    for (const key of await store.list()) {
      const {events} = await store.read(key)
      const id = events[0].workflowId
      const want = ackedBy.get(id) ?? []
      const got = events.filter((e) => e.type === 'SignalReceived' && !e.payload[0]?.stop).map((e) => e.payload[0].i)
      report.lost += want.filter((i) => !got.includes(i)).length
      report.recordedRefused += got.filter((i) => refusedBy.get(id)?.has(i)).length
      const last = events.at(-1)
      if (last.type !== 'WorkflowCompleted' || JSON.stringify(last.result?.got ?? []) !== JSON.stringify(want)) {
        report.wrongResult++
        if (report.wrongResult <= 3)
          console.error(
            `  disk full: ${id} ended ${JSON.stringify(last).slice(0, 300)}, acknowledged ${JSON.stringify(want)}`,
          )
      }
    }
    await dev.stop()
  } finally {
    try {
      execFileSync('umount', ['-l', state], {stdio: 'pipe'})
    } catch {}
    rmSync(root, {force: true, recursive: true})
  }
  return {...report, seconds: (performance.now() - t0) / 1000}
}

/** A temp copy of the chaos project plus `app.flows:collector` (returns `{got}`, the `i` of each signal, on a `{stop: true}` one). */
export function collectorProject(repo, prefix) {
  const root = mkdtempSync(join(tmpdir(), prefix))
  cpSync(join(repo, 'test/fixtures/projects/chaos'), root, {recursive: true})
  writeFileSync(join(root, 'src/flows/collector.lua'), COLLECTOR)
  const index = join(root, 'src/flows/_index.yaml')
  writeFileSync(
    index,
    `${readFileSync(index, 'utf8')}  - {name: collector, kind: workflow.lua, source: file://collector.lua, method: main}\n`,
  )
  return root
}

/** Writes zeros until the disk is full (to the last byte); returns the file that frees it. */
function fillDisk(file) {
  const fd = openSync(file, 'w')
  const block = Buffer.alloc(65_536)
  for (let n = block.length; n >= 1; n = Math.floor(n / 2)) {
    try {
      for (;;) writeSync(fd, block, 0, n)
    } catch (error) {
      if (error.code !== 'ENOSPC') throw error
    }
  }
  closeSync(fd)
  return file
}

/** Starts `wippy dev` on `root` and waits for its banner and control channel. */
export async function startDev(repo, root) {
  const child = execa('node', [join(repo, 'bin/run.js'), 'dev', '--no-tui', '--no-watch', '--path', root], {
    reject: false,
  })
  let out = ''
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('ready in')) resolve()
    })
    child.then((r) => reject(new Error(`wippy dev exited before ready:\n${r.stdout}\n${r.stderr}`)))
  })
  await ready
  const client = await requireControl(root, {requestTimeoutMs: 10_000})
  return {
    client,
    kill: async () => {
      child.kill('SIGKILL')
      await child
      client.close()
    },
    stop: async () => {
      client.close()
      child.kill('SIGTERM')
      await child
    },
  }
}
