/**
 * `wippy init --install`: runs `npm install` in the new project, so `npx wippy dev` there runs
 * the wippy its package.json pins. npm's output goes to stderr (stdout stays the summary or JSON).
 */
import {execa} from 'execa'

import {WippyError} from '../errors.js'

export async function npmInstall(dir: string): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = await execa(npm, ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    reject: false,
    stdin: 'ignore',
    stdout: process.stderr,
    stderr: process.stderr,
  })
  if (result.exitCode !== 0) {
    throw new WippyError(
      'WIPPY_INIT_INSTALL_FAILED',
      `npm install failed in ${dir} (exit ${result.exitCode ?? result.signal}); the project files are written.`,
      {
        hint: "See npm's output above, fix the cause (network, registry access), then run `npm install` in the project.",
      },
    )
  }
}
