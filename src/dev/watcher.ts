/**
 * Watches the project's sources and turns bursts of file changes into single registry reloads.
 *
 * What is watched: every source dir of the project (`directories.src` of `wippy.lock`, default
 * `src/`) and `wippy.lock` itself. Ignored: `.wippy/` (our own state: watching it would reload
 * on every history append), `node_modules`, and dot-dirs and dot-files (editor swap files, `.git`).
 *
 * The cases, and what happens:
 * - A file is saved (YAML, Lua, anything under src): `change` → schedule a reload.
 * - A file is added or removed (a new `_index.yaml`, a deleted Lua file): `add`/`unlink` →
 *   schedule a reload. A folder added or removed: chokidar reports its files; `addDir`/`unlinkDir`
 *   also schedule, so an emptied folder still reloads.
 * - An editor's atomic save (write temp, rename over): chokidar coalesces it to a `change`.
 * - A burst (git checkout, a formatter touching ten files): every event restarts a 100 ms
 *   debounce, so the burst becomes one reload.
 * - A change while a reload runs: the next reload waits for the running one, so reloads never
 *   overlap. If several were scheduled meanwhile, only the newest runs (vitest's
 *   `scheduleRerun`): each schedule takes a ticket, and a scheduled run whose ticket is no longer
 *   the newest when its turn comes is dropped; the newest reads the disk as it is then anyway.
 * - A reload that throws (a bug, not a user error: user errors come back in the report) is
 *   passed to `onError`; watching goes on.
 */
import {type FSWatcher, watch} from 'chokidar'
import {basename, join, relative, sep} from 'node:path'

import type {ReloadReport} from '../engine/api.js'
import {LOCK_FILE, readProjectLayout} from '../project/lock.js'

/** Debounce of a burst of changes, ms (vitest and Shopify use 100-200). */
export const RELOAD_DEBOUNCE_MS = 100

export interface WatcherOptions {
  debounceMs?: number
  /** A reload that threw (not a reload with user errors: those are in its report). */
  onError?: (error: unknown) => void
  /** After each reload: its report, the files that triggered it and when the first of them changed. */
  onReload?: (reload: {files: string[]; firstChangeAt: number; report: ReloadReport}) => void
  /** Runs the reload (`engine.applyRegistry`). */
  reload: () => Promise<ReloadReport>
  root: string
}

/** A running watcher. */
export interface ProjectWatcher {
  close(): Promise<void>
  /** Resolves once chokidar has scanned the tree (changes before that may be missed). */
  ready: Promise<void>
  /** Schedules a reload as if `file` changed (also what chokidar events call). */
  schedule(file: string): void
  /** Resolves when no reload is running or scheduled. */
  idle(): Promise<void>
}

/** Starts watching the project; see the module comment for the cases. */
export function watchProject(options: WatcherOptions): ProjectWatcher {
  const debounceMs = options.debounceMs ?? RELOAD_DEBOUNCE_MS
  const layout = readProjectLayout(options.root)
  const paths = [...layout.srcDirs, join(options.root, LOCK_FILE)]
  const stateDir = join(options.root, '.wippy')

  const changed = new Set<string>()
  let firstChangeAt: number | undefined
  let ticket = 0
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let scheduled = false
  let closed = false

  const runReload = async (): Promise<void> => {
    const files = [...changed]
    const since = firstChangeAt ?? Date.now()
    changed.clear()
    firstChangeAt = undefined
    try {
      const report = await options.reload()
      options.onReload?.({files, firstChangeAt: since, report})
    } catch (error) {
      options.onError?.(error)
    }
  }

  const schedule = (file: string): void => {
    if (closed) return
    changed.add(file)
    firstChangeAt ??= Date.now()
    const mine = ++ticket
    scheduled = true
    clearTimeout(timer)
    timer = setTimeout(async () => {
      await running
      // A newer change scheduled its own reload while we waited: that one runs, this one is stale.
      if (mine !== ticket || closed) return
      scheduled = false
      running = runReload()
    }, debounceMs)
  }

  const ignored = (path: string): boolean => {
    const rel = relative(options.root, path)
    if (rel === '' || rel.startsWith('..')) return false
    if (path === stateDir || path.startsWith(stateDir + sep)) return true
    return rel.split(sep).some((part) => part === 'node_modules' || (part.startsWith('.') && part !== '.'))
  }

  const watcher: FSWatcher = watch(paths, {ignoreInitial: true, ignored, persistent: true})
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  watcher.on('all', (event, path) => {
    if (event === 'add' || event === 'change' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir')
      schedule(path)
  })
  watcher.on('error', (error) => options.onError?.(error))

  return {
    close: async () => {
      closed = true
      clearTimeout(timer)
      await watcher.close()
      await running
    },
    idle: async () => {
      while (scheduled && !closed) {
        await new Promise((r) => setTimeout(r, debounceMs))
        await running
      }
      await running
    },
    ready,
    schedule,
  }
}

/** A short name for a changed file in a reload line: relative to the root. */
export function displayPath(root: string, file: string): string {
  const rel = relative(root, file)
  return rel === '' ? basename(file) : rel.split(sep).join('/')
}
