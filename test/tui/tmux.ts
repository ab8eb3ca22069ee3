/**
 * A real terminal for end-to-end tests: a tmux session on a private server socket (so the
 * user's tmux is never touched), with `send-keys`, `capture-pane` and `resize-window`.
 */
import {execa} from 'execa'
import {spawnSync} from 'node:child_process'

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], {stdio: 'ignore'}).status === 0
}

export interface TmuxTerminal {
  /** The visible screen, trailing spaces trimmed. */
  capture(): Promise<string>
  /** Kills this test's tmux server (only it: the socket is private). */
  close(): Promise<void>
  /** Whether the command exited, with its exit code or the signal that ended it. */
  exited(): Promise<{code?: number; dead: boolean; signal?: string}>
  /** Types text literally. */
  type(text: string): Promise<void>
  /** Sends tmux key names (`Enter`, `Escape`, `Down`, `q`). */
  keys(...names: string[]): Promise<void>
  resize(columns: number, rows: number): Promise<void>
  waitFor(match: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>
}

export async function startTmux(options: {
  columns: number
  command: string
  cwd: string
  env?: string[]
  rows: number
}): Promise<TmuxTerminal> {
  const socket = `wippy-tui-${process.pid}-${Date.now()}`
  const tmux = (...args: string[]) => execa('tmux', ['-L', socket, ...args], {reject: false})
  const name = 'dev'
  // remain-on-exit keeps the pane after the command ends, so its exit code can be read.
  // CI=0: the terminal stands for a developer's; under CI=1 (as on CI runners) Ink, and so
  // `wippy dev`, would not draw live frames.
  const env = ['FORCE_COLOR=1', 'CI=0', 'CONTINUOUS_INTEGRATION=0', ...(options.env ?? [])].flatMap((e) => ['-e', e])
  await tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(options.columns),
    '-y',
    String(options.rows),
    '-c',
    options.cwd,
    ...env,
    options.command,
  )
  await tmux('set-option', '-t', name, 'remain-on-exit', 'on')
  const capture = async (): Promise<string> => {
    const r = await tmux('capture-pane', '-p', '-t', name)
    return String(r.stdout)
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
  }
  return {
    capture,
    close: async () => {
      await tmux('kill-server')
    },
    exited: async () => {
      const r = await tmux('display-message', '-p', '-t', name, '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}')
      const [dead, code, signal] = String(r.stdout).trim().split(' ')
      return {dead: dead === '1', ...(code ? {code: Number(code)} : {}), ...(signal ? {signal} : {})}
    },
    keys: async (...names) => {
      for (const key of names) {
        await tmux('send-keys', '-t', name, key)
        await new Promise((r) => setTimeout(r, 60))
      }
    },
    resize: async (columns, rows) => {
      await tmux('resize-window', '-t', name, '-x', String(columns), '-y', String(rows))
    },
    type: async (text) => {
      await tmux('send-keys', '-t', name, '-l', text)
      await new Promise((r) => setTimeout(r, 60))
    },
    waitFor: async (match, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs
      const test = (s: string): boolean =>
        typeof match === 'string' ? s.includes(match) : typeof match === 'function' ? match(s) : match.test(s)
      for (;;) {
        const screen = await capture()
        if (test(screen)) return screen
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(match)}. Screen:\n${screen}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
  }
}
