/**
 * Which code version each run is bound to, kept across restarts. A run runs on the code it
 * started with (`WorkflowStarted.codeHash`) until a reload moves it to a compatible version
 * or pins it to its old one; both are written here, with the source of every version named,
 * so a restart loads each run on the same code it ran on before:
 *
 *   .wippy/dev/code/pins.json                 {runKey: {entryId, codeHash}} for moved and pinned runs
 *   .wippy/dev/code/<entry>@<hash>.json       the version's program spec (Lua source, imports, modules)
 *
 * Writes are atomic (temp file, fsync, rename) and done before the reload reports. They are
 * not history events: losing one (a crash in the middle of a reload) makes the run fall back
 * to the code it started with, where replay checks it again — a wrong binding shows up as a
 * divergence (the run blocks), never as a silently different result. Runs without a binding
 * (older state dirs) load on the registry's code, as before.
 */
import {randomBytes} from 'node:crypto'
import {mkdir, open, readFile, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'

import type {CodeVersion} from './code-catalog.js'

interface PinsFile {
  format: 1
  runs: Record<string, {codeHash: string; entryId: string}>
}

export class CodePins {
  private readonly versions = new Map<string, CodeVersion>()
  private writing: Promise<void> = Promise.resolve()
  /** A rewrite of pins.json not started yet: later binds join it (a reload binds many runs at once). */
  private queued?: Promise<void>

  private constructor(
    private readonly dir: string,
    private readonly runs: PinsFile['runs'],
  ) {}

  /** Reads the bindings and the versions they name; a missing or damaged file means none. */
  static async open(dir: string): Promise<CodePins> {
    let runs: PinsFile['runs'] = {}
    try {
      const parsed = JSON.parse(await readFile(join(dir, 'pins.json'), 'utf8')) as PinsFile
      if (parsed.format === 1 && parsed.runs && typeof parsed.runs === 'object') runs = parsed.runs
    } catch {
      // No pins yet (or a damaged file): every run goes back to its start code.
    }
    const pins = new CodePins(dir, runs)
    for (const [runKey, {codeHash, entryId}] of Object.entries(runs)) {
      const version = await pins.readVersion(entryId, codeHash)
      if (version) pins.versions.set(versionKey(entryId, codeHash), version)
      else delete runs[runKey]
    }
    return pins
  }

  /** The version a run is bound to, if a reload moved or pinned it. */
  get(runKey: string): CodeVersion | undefined {
    const bound = this.runs[runKey]
    return bound ? this.versions.get(versionKey(bound.entryId, bound.codeHash)) : undefined
  }

  /** Binds a run to a version (its source is stored first); durable when it resolves. */
  async bind(runKey: string, version: CodeVersion): Promise<void> {
    const key = versionKey(version.entryId, version.codeHash)
    if (!this.versions.has(key)) {
      await writeAtomic(this.dir, `${fileSafe(version.entryId)}@${version.codeHash}.json`, JSON.stringify(version))
      this.versions.set(key, version)
    }
    this.runs[runKey] = {codeHash: version.codeHash, entryId: version.entryId}
    await this.save()
  }

  /** Forgets a closed run's binding. */
  async drop(runKey: string): Promise<void> {
    if (!(runKey in this.runs)) return
    delete this.runs[runKey]
    await this.save()
  }

  private save(): Promise<void> {
    if (this.queued) return this.queued
    this.queued = this.writing
      .catch(() => {})
      .then(() => {
        this.queued = undefined
        // Written when it starts, so it holds every bind made until then.
        return writeAtomic(this.dir, 'pins.json', JSON.stringify({format: 1, runs: this.runs} satisfies PinsFile))
      })
    this.writing = this.queued
    return this.queued
  }

  private async readVersion(entryId: string, codeHash: string): Promise<CodeVersion | undefined> {
    try {
      const version = JSON.parse(
        await readFile(join(this.dir, `${fileSafe(entryId)}@${codeHash}.json`), 'utf8'),
      ) as CodeVersion
      return version.codeHash === codeHash && version.spec?.source ? version : undefined
    } catch {
      return undefined
    }
  }
}

function versionKey(entryId: string, codeHash: string): string {
  return `${entryId}@${codeHash}`
}

function fileSafe(entryId: string): string {
  return entryId.replaceAll(/[^\w.-]/g, '_')
}

async function writeAtomic(dir: string, name: string, text: string): Promise<void> {
  await mkdir(dir, {mode: 0o700, recursive: true})
  const tmp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`)
  const fd = await open(tmp, 'w', 0o600)
  try {
    await fd.writeFile(text)
    await fd.datasync()
  } finally {
    await fd.close()
  }
  try {
    await rename(tmp, join(dir, name))
  } catch (error) {
    await rm(tmp, {force: true})
    throw error
  }
}
