#!/usr/bin/env node
// Conformance with the Wippy platform's own test app (wippyai/runtime `tests/app`).
//
//   node scripts/conformance.mjs <path-to-tests/app> [--json] [--keep] [--suite S ...] [--timeout D]
//
// Needs `npm run build`. Works on a scratch copy (the given directory is never touched):
//  1. copies the app to a temp dir;
//  2. loads its registry with wippy's loader; entries the loader refuses with an error (kinds
//     wippy does not know, Lua it cannot parse, imports of such entries...) are removed from
//     the copy, round after round until the registry loads, and each is listed with its
//     problem: those are the places where loading refuses what should only be a warning, or
//     where wippy's Lua dialect falls short;
//  3. runs `wippy test --json` on the in-scope suites and prints pass counts per suite
//     (tests removed in step 2 count as failed, "not loaded").
// Exit 0 when it ran (whatever the counts); 1 when it could not run at all.
import {execFileSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseDocument} from 'yaml'

export const SUITES = [
  'channel',
  'ctx',
  'errors',
  'events',
  'funcs',
  'json',
  'payload',
  'process',
  'processfunc',
  'temporal',
  'time',
  'types',
  'uuid',
]

const here = dirname(fileURLToPath(import.meta.url))
const BIN = join(here, '..', 'bin', 'run.js')
const DIST = join(here, '..', 'dist')

function parseArgs(argv) {
  const out = {app: undefined, json: false, keep: false, suites: [], timeout: '10s'}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--json') out.json = true
    else if (a === '--keep') out.keep = true
    else if (a === '--suite') out.suites.push(argv[++i])
    else if (a === '--timeout') out.timeout = argv[++i]
    else out.app = a
  }
  if (out.suites.length === 0) out.suites = SUITES
  return out
}

/** Loads the registry of `root` with wippy's own loader and Lua syntax check. */
async function load(root) {
  const {loadRegistry} = await import(join(DIST, 'registry', 'index.js'))
  const {checkLuaSyntax} = await import(join(DIST, 'lua', 'check-syntax.js'))
  return loadRegistry(root, {checkLua: checkLuaSyntax, env: process.env})
}

/** The entries each error problem belongs to (by entry ID, or by the Lua file it names). */
function entriesOfErrors(registry) {
  const byId = new Map()
  for (const p of registry.problems) {
    if (p.severity !== 'error') continue
    const owners = p.entryId
      ? [p.entryId]
      : [...registry.entries.values()].filter((e) => e.sourceFile === p.file || e.file === p.file).map((e) => e.id)
    for (const id of owners) if (!byId.has(id)) byId.set(id, p)
  }
  return byId
}

/** Removes entries (by ID) from the YAML files of the scratch copy. */
function removeEntries(root, registry, ids) {
  const byFile = new Map()
  for (const id of ids) {
    const entry = registry.entries.get(id)
    if (!entry) continue
    byFile.set(entry.file, [...(byFile.get(entry.file) ?? []), entry])
  }
  for (const [file, entries] of byFile) {
    const path = join(root, file)
    const doc = parseDocument(readFileSync(path, 'utf8'))
    const list = doc.get('entries')
    if (!list) {
      rmSync(path) // single-entry file
      continue
    }
    const names = new Set(entries.map((e) => e.name))
    list.items = list.items.filter((item) => !names.has(String(item.get?.('name'))))
    writeFileSync(path, doc.toString())
  }
}

function suiteOf(entry) {
  return typeof entry.meta?.suite === 'string' ? entry.meta.suite : 'other'
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (!args.app || !existsSync(join(args.app, 'src'))) {
    console.error('usage: node scripts/conformance.mjs <path-to-tests/app> [--json] [--keep] [--suite S] [--timeout D]')
    process.exit(1)
  }
  if (!existsSync(join(DIST, 'registry', 'index.js'))) {
    console.error('dist/ is missing: run `npm run build` first')
    process.exit(1)
  }
  const work = mkdtempSync(join(tmpdir(), 'wippy-conformance-'))
  const root = join(work, 'app')
  cpSync(resolve(args.app), root, {recursive: true})
  try {
    // Every in-scope test the app declares, before anything is removed.
    const original = await load(root)
    const declared = [...original.entries.values()].filter(
      (e) => e.kind === 'function.lua' && e.meta?.type === 'test' && args.suites.includes(suiteOf(e)),
    )

    const pruned = []
    for (let round = 0; round < 10; round++) {
      const registry = round === 0 ? original : await load(root)
      const failing = entriesOfErrors(registry)
      if (failing.size === 0) break
      for (const [id, p] of failing) {
        const e = registry.entries.get(id)
        pruned.push({
          code: p.code,
          id,
          kind: e?.kind,
          message: p.message,
          where: p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : undefined,
        })
      }
      removeEntries(root, registry, [...failing.keys()])
    }

    const t0 = Date.now()
    const cli = [
      BIN,
      'test',
      '--json',
      '--path',
      root,
      '--timeout',
      args.timeout,
      ...args.suites.flatMap((s) => ['--suite', s]),
    ]
    let out
    try {
      out = execFileSync(process.execPath, cli, {
        encoding: 'utf8',
        env: {...process.env, NO_COLOR: '1'},
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    } catch (error) {
      out = error.stdout // exit 1 when some test failed
    }
    const wallMs = Date.now() - t0
    const report = JSON.parse(out)
    if (report.error) {
      console.error(`wippy test could not run: ${report.error.code}: ${report.error.message}`)
      process.exit(1)
    }
    const results = new Map(report.tests.map((t) => [t.id, t]))
    const perSuite = {}
    for (const suite of args.suites) perSuite[suite] = {failed: 0, notLoaded: 0, passed: 0, skipped: 0, total: 0}
    for (const e of declared) {
      const row = perSuite[suiteOf(e)]
      row.total++
      const r = results.get(e.id)
      if (!r) row.notLoaded++
      else row[r.status]++
    }
    const totals = Object.values(perSuite).reduce(
      (a, r) => ({
        failed: a.failed + r.failed,
        notLoaded: a.notLoaded + r.notLoaded,
        passed: a.passed + r.passed,
        total: a.total + r.total,
      }),
      {failed: 0, notLoaded: 0, passed: 0, total: 0},
    )
    const failures = report.tests
      .filter((t) => t.status === 'failed')
      .map((t) => ({id: t.id, message: t.failure?.message, suite: t.suite}))
    if (args.json) {
      console.log(JSON.stringify({failures, perSuite, pruned, totals, wallMs}, null, 2))
    } else {
      console.log(`Pruned from the scratch copy (the loader refuses them): ${pruned.length}`)
      for (const p of pruned) console.log(`  ${p.id} [${p.kind}] ${p.code} ${p.where ?? ''}: ${p.message}`)
      console.log('')
      console.log('suite         passed  total  failed  not loaded')
      for (const [suite, r] of Object.entries(perSuite)) {
        console.log(
          `${suite.padEnd(13)} ${String(r.passed).padStart(6)} ${String(r.total).padStart(6)} ${String(r.failed).padStart(7)} ${String(r.notLoaded).padStart(11)}`,
        )
      }
      console.log(
        `${'total'.padEnd(13)} ${String(totals.passed).padStart(6)} ${String(totals.total).padStart(6)} ${String(totals.failed).padStart(7)} ${String(totals.notLoaded).padStart(11)}`,
      )
      console.log(`\nwippy test wall time: ${(wallMs / 1000).toFixed(1)}s`)
      console.log(`${totals.passed} passed, ${totals.total - totals.passed} failed`)
    }
  } finally {
    if (args.keep) console.error(`scratch copy kept at ${root}`)
    else rmSync(work, {force: true, recursive: true})
  }
}

await main()
