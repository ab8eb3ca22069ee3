/**
 * The build stores the prelude's bytecode with a key over its text; the runtime uses it only
 * when the key matches, so an edited prelude is never run from stale bytecode.
 */
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'

import {PRELUDE} from '../../src/lua/prelude/index.js'
import {builtPreludeBytecode, preludeKey} from '../../src/lua/vm/prelude-cache.js'

const REPO = join(import.meta.dirname, '../..')

describe('prelude bytecode from the build', () => {
  test('the key changes with any edit of a chunk name or text', () => {
    const key = preludeKey(PRELUDE)
    expect(preludeKey(PRELUDE)).toBe(key)
    const [first, ...rest] = PRELUDE
    expect(preludeKey([{...first!, text: first!.text + ' '}, ...rest])).not.toBe(key)
    expect(preludeKey([{...first!, name: first!.name + 'x'}, ...rest])).not.toBe(key)
    expect(preludeKey(rest)).not.toBe(key)
  })

  test('from sources there is no built bytecode, and the runtime compiles the prelude itself', async () => {
    expect(await builtPreludeBytecode(PRELUDE)).toBeUndefined()
  })

  test.skipIf(!existsSync(join(REPO, 'dist/lua/vm/prelude-bytecode.js')))(
    'the built CLI loads the stored bytecode and runs Lua with it',
    () => {
      // (the key in dist/ matches the dist/ prelude; a function runs through the whole prelude)
      const probe = `import('${join(REPO, 'dist/lua/prelude/index.js')}').then(async ({PRELUDE}) => {
      const {builtPreludeBytecode} = await import('${join(REPO, 'dist/lua/vm/prelude-cache.js')}')
      const built = await builtPreludeBytecode(PRELUDE)
      console.log(built ? built.size : 0)
    })`
      expect(Number(execFileSync(process.execPath, ['-e', probe], {encoding: 'utf8'}).trim())).toBe(PRELUDE.length)
    },
  )
})
