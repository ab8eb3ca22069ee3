import {expect, test} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {writeProject} from '../helpers/project.js'

test('a signal to a plain process without a dev server is refused with a hint to start one', async () => {
  const project = writeProject({})
  try {
    const result = await runCli(['signal', '{app:processes|0x00001}', 'ping', '{}', '--path', project.root])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Error WIPPY_DEV_NOT_RUNNING')
    expect(result.stderr).toContain('Hint: Start `wippy dev`')
  } finally {
    project.remove()
  }
})
