import {execa} from 'execa'
import {fileURLToPath} from 'node:url'

/**
 * Runs the built CLI (`bin/run.js`) as a real child process. Tests that use it need
 * `npm run build` first (`npm test` builds before running vitest).
 */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface RunCliOptions {
  cwd?: string
  /** Extra environment variables (merged over the current environment). */
  env?: Record<string, string | undefined>
  input?: string
  timeout?: number
}

export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    ...(options.cwd === undefined ? {} : {cwd: options.cwd}),
    env: {NO_COLOR: '1', FORCE_COLOR: '0', ...options.env},
    ...(options.input === undefined ? {stdin: 'ignore' as const} : {input: options.input}),
    timeout: options.timeout ?? 20_000,
    stripFinalNewline: false,
  })
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)}
}
