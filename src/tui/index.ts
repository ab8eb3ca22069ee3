/**
 * The terminal UI of `wippy dev` (Ink). The dev session renders it when stdout and stdin are
 * TTYs and `--no-tui` is not given; otherwise it uses the plain line renderer. The UI only
 * subscribes to the engine's status stream and calls {@link EngineApi}: it owns no state the
 * engine needs, so quitting the UI and stopping the engine are one step (`onQuit`).
 */
import {render} from 'ink'
import {createElement} from 'react'

import type {EngineApi} from '../engine/api.js'
import {DevApp, type NoteSource} from './DevApp.js'
import type {HeaderInfo} from './Header.js'

export type {HeaderInfo} from './Header.js'

export interface DevTuiOptions {
  engine: EngineApi
  header: HeaderInfo
  /** A second Ctrl-C while `onQuit` runs: called, then the UI exits at once (e.g. `() => process.exit(130)`). */
  onForceQuit?: () => void
  /** Called on `q` (or Ctrl-C): stop the dev session; the UI exits when it settles. */
  onQuit: () => Promise<void>
  stdin: NodeJS.ReadStream
  stdout: NodeJS.WriteStream
  stderr?: NodeJS.WriteStream
}

export interface DevTuiHandle {
  /** Adds a line to the log pane (e.g. the dev session's watcher errors). */
  note(text: string, level?: string): void
  /** Removes the UI (the terminal is left clean); does not stop the engine. */
  unmount(): void
  /** Resolves when the UI has exited (after `q` and `onQuit`, or `unmount`). */
  waitUntilExit(): Promise<void>
}

/**
 * Renders the dev UI on a terminal.
 *
 * @example
 * const ui = renderDevTui({engine: session.engine, header: {controlAddress: session.controlAddress, watching: true},
 *   onQuit: () => session.stop(), stdin: process.stdin, stdout: process.stdout})
 * await ui.waitUntilExit()
 */
export function renderDevTui(options: DevTuiOptions): DevTuiHandle {
  const listeners = new Set<(text: string, level: string) => void>()
  // Notes before the app subscribes (its first effect) are kept, not dropped.
  const early: Array<[string, string]> = []
  const notes: NoteSource = {
    subscribe(listener) {
      for (const [text, level] of early.splice(0)) listener(text, level)
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  const app = createElement(DevApp, {
    engine: options.engine,
    header: options.header,
    notes,
    onQuit: options.onQuit,
    ...(options.onForceQuit ? {onForceQuit: options.onForceQuit} : {}),
  })
  const instance = render(app, {
    exitOnCtrlC: false,
    stdin: options.stdin,
    stdout: options.stdout,
    ...(options.stderr ? {stderr: options.stderr} : {}),
  })
  // Ink creates its exit promise on the first call: make it now, or an exit before the
  // caller's `await waitUntilExit()` would never resolve it.
  const exited = instance.waitUntilExit().then(() => undefined)
  return {
    note(text, level = 'info') {
      if (listeners.size === 0) early.push([text, level])
      for (const listener of listeners) listener(text, level)
    },
    unmount: () => instance.unmount(),
    waitUntilExit: () => exited,
  }
}
