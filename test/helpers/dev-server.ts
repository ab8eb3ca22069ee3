/**
 * An end-to-end helper for `wippy dev`, in the style of vitest's `runInlineTests`: it writes a
 * temporary project, starts the built CLI (`node bin/run.js dev --no-tui`) as a real child
 * process, and lets a test edit files and wait for output lines. Cleanup (kill + remove the
 * project) runs in `onTestFinished`. Needs `npm run build` first.
 *
 * @example
 * const dev = await startDev({files: {'src/workflows/approval.lua': (text) => text + '\n-- edited\n'}})
 * await dev.editFile('src/workflows/approval.lua', (t) => t + '\n-- again\n')
 * await dev.waitForOutput(/reloaded \+0 ~1/)
 */
import {type ResultPromise, execa} from 'execa'
import {cp, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {onTestFinished} from 'vitest'

import {BIN, type CliResult, runCli} from './cli.js'

export const REPO = fileURLToPath(new URL('../..', import.meta.url))

/** File contents to write, or a function of the template's text (for edits of template files). */
export type FileSpec = string | ((current: string) => string)

export interface StartDevOptions {
  /** Extra `wippy dev` arguments (e.g. `--no-watch`). */
  args?: string[]
  env?: Record<string, string>
  /** Files to write or edit relative to the project root; `null` deletes. */
  files?: Record<string, FileSpec | null>
  /** An existing project dir to start in (no template copy, no cleanup of the dir). */
  root?: string
  /** A template dir relative to the repo (default `templates/approval`). */
  template?: string
  /** Wait for the banner's `ready in` line (default true). */
  waitReady?: boolean
}

export interface DevServer {
  readonly root: string
  /** Runs a CLI command in the project. */
  cli(args: readonly string[], options?: {input?: string; timeout?: number}): Promise<CliResult>
  editFile(rel: string, spec: FileSpec): Promise<void>
  exitCode(): Promise<number>
  kill(): Promise<void>
  /** Everything printed so far (stdout and stderr). */
  output(): string
  removeFile(rel: string): Promise<void>
  stop(): Promise<number>
  /** Waits until the output after `from` (default: the start) matches. */
  waitForOutput(match: string | RegExp, options?: {from?: number; timeoutMs?: number}): Promise<string>
}

/** Writes a project (or reuses `root`) and starts `wippy dev` in it. */
export async function startDev(options: StartDevOptions = {}): Promise<DevServer> {
  const root = options.root ?? (await makeProject(options.template ?? 'templates/approval', options.files ?? {}))
  if (options.root && options.files) await applyFiles(root, options.files)
  let text = ''
  const child: ResultPromise = execa(process.execPath, [BIN, 'dev', '--no-tui', ...(options.args ?? [])], {
    all: true,
    cwd: root,
    env: {FORCE_COLOR: '0', NO_COLOR: '1', ...options.env},
    reject: false,
    stdin: 'ignore',
  })
  child.all!.setEncoding('utf8')
  child.all!.on('data', (chunk: string) => (text += chunk))
  let exited: number | undefined
  const done = child.then((r) => (exited = r.exitCode ?? -1))

  const waitForOutput = async (
    match: string | RegExp,
    opts: {from?: number; timeoutMs?: number} = {},
  ): Promise<string> => {
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000)
    const test = (s: string) => (typeof match === 'string' ? s.includes(match) : match.test(s))
    for (;;) {
      const seen = text.slice(opts.from ?? 0)
      if (test(seen)) return seen
      if (exited !== undefined)
        throw new Error(`wippy dev exited (${exited}) before printing ${String(match)}. Output:\n${text}`)
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(match)}. Output:\n${text}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  const server: DevServer = {
    cli: (args, opts = {}) => runCli(args, {cwd: root, ...opts}),
    editFile: async (rel, spec) => applyFiles(root, {[rel]: spec}),
    exitCode: () => done,
    kill: async () => {
      if (exited === undefined) child.kill('SIGKILL')
      await done
    },
    output: () => text,
    removeFile: async (rel) => applyFiles(root, {[rel]: null}),
    root,
    stop: async () => {
      if (exited === undefined) child.kill('SIGTERM')
      return done
    },
    waitForOutput,
  }
  onTestFinished(async () => {
    await server.kill()
    if (!options.root) await rm(root, {force: true, recursive: true})
  })
  if (options.waitReady !== false) await waitForOutput(/ready in \d+ ms/)
  return server
}

/** Copies a template (or fixture) into a fresh temp dir and applies `files`. */
export async function makeProject(template: string, files: Record<string, FileSpec | null> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'wippy-dev-'))
  await cp(join(REPO, template), root, {recursive: true})
  await applyFiles(root, files)
  return root
}

async function applyFiles(root: string, files: Record<string, FileSpec | null>): Promise<void> {
  for (const [rel, spec] of Object.entries(files)) {
    const path = join(root, rel)
    if (spec === null) {
      await rm(path, {force: true, recursive: true})
      continue
    }
    const text = typeof spec === 'string' ? spec : spec(await readFile(path, 'utf8').catch(() => ''))
    await mkdir(dirname(path), {recursive: true})
    await writeFile(path, text)
  }
}
