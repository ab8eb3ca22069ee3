/**
 * `LuaRuntime.fromWasm`: a host that loads wasmoon itself (a sandbox instantiating inlined
 * bytes) builds the runtime synchronously on its module, with or without the build's bytecode.
 */
import {LuaFactory} from 'wasmoon'
import {describe, expect, test} from 'vitest'

import {PRELUDE} from '../../src/lua/prelude/index.js'
import {preludeKey} from '../../src/lua/vm/prelude-cache.js'
import {LuaRuntime} from '../../src/lua/vm/runtime.js'
import {resultOf, runtime, spec} from './helpers.js'

const SOURCE = `return function(n) local t = {} for k in pairs({b = 1, a = 2}) do t[#t + 1] = k end return table.concat(t) .. n end`

function startOn(rt: LuaRuntime): unknown {
  const program = rt.createProgram(spec(SOURCE))
  try {
    return resultOf(program.start([7]))
  } finally {
    program.close()
  }
}

describe('LuaRuntime.fromWasm', () => {
  test('runs programs on a wasm module the host loaded, compiling the prelude itself', async () => {
    const wasm = await new LuaFactory().getLuaModule()
    expect(startOn(LuaRuntime.fromWasm(wasm))).toBe('ab7')
  })

  test('uses bytecode made for this prelude, and ignores bytecode made for another', async () => {
    const chunks: Record<string, string> = {}
    for (const [name, bytes] of runtime.preludeBytecode()) chunks[name] = Buffer.from(bytes).toString('base64')
    const wasm = await new LuaFactory().getLuaModule()
    const key = preludeKey(PRELUDE)
    expect(startOn(LuaRuntime.fromWasm(wasm, {bytecode: {chunks, key}}))).toBe('ab7')
    // The bytecode is what runs: with this prelude's key, a broken chunk breaks the runtime...
    const broken = {...chunks, '@wippy/core.lua': Buffer.from('not bytecode').toString('base64')}
    expect(() => startOn(LuaRuntime.fromWasm(wasm, {bytecode: {chunks: broken, key}}))).toThrow()
    // ...and with another prelude's key it is not used at all.
    expect(startOn(LuaRuntime.fromWasm(wasm, {bytecode: {chunks: broken, key: 'another-prelude'}}))).toBe('ab7')
  })
})
