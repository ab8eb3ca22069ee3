/**
 * Renders the connected TUI into a fake terminal of a given size (ink-testing-library's
 * stdout is fixed at 100 columns and has no rows or resize), in Ink's debug mode so every
 * write is a whole frame. Helpers wait for a frame and type keys, in the manner of Shopify's
 * `waitForContent` / `sendInputAndWait`.
 */
import {render} from 'ink'
import {EventEmitter} from 'node:events'
import {stripVTControlCharacters} from 'node:util'
import type {ReactElement} from 'react'

export class FakeStdout extends EventEmitter {
  readonly frames: string[] = []
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super()
  }

  write = (frame: string): boolean => {
    this.frames.push(frame)
    return true
  }

  /** Changes the size and tells Ink, as a terminal's SIGWINCH does. */
  resize(columns: number, rows: number): void {
    this.columns = columns
    this.rows = rows
    this.emit('resize')
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true
  private data: string | null = null
  write = (data: string): void => {
    this.data = data
    this.emit('readable')
    this.emit('data', data)
  }
  read = (): string | null => {
    const {data} = this
    this.data = null
    return data
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Terminal {
  /** The live area of the last frame (from the header down), ANSI stripped, trailing spaces trimmed. */
  frame(): string
  /** The log lines printed above the live area through `<Static>`. */
  logs(): string
  /** Types keys, then lets React flush. */
  press(...keys: string[]): Promise<void>
  stdin: FakeStdin
  stdout: FakeStdout
  unmount(): void
  /** Waits until the frame matches (contains the text, matches the pattern, or passes the test). */
  waitFor(match: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>
  waitUntilExit(): Promise<unknown>
}

export const KEYS = {down: '\u001B[B', enter: '\r', escape: '\u001B', up: '\u001B[A'} as const

export function renderInTerminal(
  node: ReactElement,
  size: {columns: number; rows: number} = {columns: 100, rows: 30},
): Terminal {
  const stdout = new FakeStdout(size.columns, size.rows)
  const stdin = new FakeStdin()
  const instance = render(node, {
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
  })
  // Ink makes its exit promise lazily; take it now so an early exit still resolves it.
  const exited = instance.waitUntilExit()
  // Under CI (is-in-ci) Ink writes one more, empty, "last frame" at unmount in debug mode:
  // the terminal's last frame is the last non-blank write.
  const whole = (): string[] =>
    stripVTControlCharacters(stdout.frames.findLast((f) => f.trim() !== '') ?? '')
      .split('\n')
      .map((l) => l.trimEnd())
  // Debug mode writes the whole <Static> output before the live area: split at the header.
  const liveStart = (lines: string[]): number =>
    Math.max(
      0,
      lines.findLastIndex((l) => l.startsWith('wippy dev · ')),
    )
  const frame = (): string => {
    const lines = whole()
    return lines.slice(liveStart(lines)).join('\n').replace(/\n+$/, '')
  }
  const logs = (): string => {
    const lines = whole()
    return lines.slice(0, liveStart(lines)).join('\n')
  }
  const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20))
  return {
    frame,
    logs,
    async press(...keys) {
      for (const key of keys) {
        stdin.write(key)
        await tick()
      }
      await tick()
    },
    stdin,
    stdout,
    unmount: () => instance.unmount(),
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      const test = (s: string): boolean =>
        typeof match === 'string' ? s.includes(match) : typeof match === 'function' ? match(s) : match.test(s)
      for (;;) {
        const text = frame()
        if (test(text)) return text
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(match)}. Last frame:\n${text}`)
        await tick()
      }
    },
    waitUntilExit: () => exited,
  }
}
