/**
 * A library's own `imports:` reach the VM (reliability-review finding 16): the entry gets
 * every library it can reach, cycles included, as the platform loads them. Real registry
 * files, a real engine, real Lua.
 */
import {afterEach, describe, expect, it} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {writeProject} from '../helpers/project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f()
})

const LIB_INDEX = `version: "1.0"
namespace: app.lib
entries:
  - {name: f, kind: function.lua, source: file://f.lua, method: main, imports: {a: app.lib:a}}
  - {name: a, kind: library.lua, source: file://a.lua, imports: {b: app.lib:b}}
  - {name: b, kind: library.lua, source: file://b.lua, imports: {a: app.lib:a}}
`

describe('library imports', () => {
  it('a function whose library imports another library (which imports the first back) runs', async () => {
    // Given f imports a; a imports b; b imports a (a cycle), each requiring the next
    const p = writeProject({
      'src/lib/_index.yaml': LIB_INDEX,
      'src/lib/a.lua':
        'local b = require("b")\nreturn {name = function() return "a+" .. b.name() end, short = function() return "a" end}\n',
      'src/lib/b.lua': 'return {name = function() return "b+" .. require("a").short() end}\n',
      'src/lib/f.lua': 'local a = require("a")\nreturn {main = function() return a.name() end}\n',
    })
    cleanups.push(() => p.remove())
    const engine = await Engine.start({env: {}, root: p.root})
    cleanups.push(() => engine.close())
    // When f is called, Then both libraries load and b's lazy require of a resolves
    expect(await engine.call('app.lib:f', [])).toEqual({value: 'a+b+a'})
  })

  it('a require cycle at load time is a clear error, not a stack overflow', async () => {
    const p = writeProject({
      'src/lib/_index.yaml': LIB_INDEX,
      'src/lib/a.lua': 'local b = require("b")\nreturn {}\n',
      'src/lib/b.lua': 'local a = require("a")\nreturn {}\n',
      'src/lib/f.lua': 'local a = require("a")\nreturn {main = function() return 1 end}\n',
    })
    cleanups.push(() => p.remove())
    const engine = await Engine.start({env: {}, root: p.root})
    cleanups.push(() => engine.close())
    const r = await engine.call('app.lib:f', [])
    expect(r.error?.message).toMatch(/module 'a' is required while it is still loading/)
  })
})
