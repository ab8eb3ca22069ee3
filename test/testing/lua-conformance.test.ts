/**
 * What the platform's own test app taught us about the Lua API, as our own small tests:
 * run through `wippy test` itself on a throw-away project (real engine, real VM).
 */
import {afterEach, describe, expect, test} from 'vitest'

import {runTests} from '../../src/testing/run-tests.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const projects: TempProject[] = []
afterEach(() => {
  for (const p of projects.splice(0)) p.remove()
})

/** A project with one test per Lua body; each body must `return true` to pass. */
function project(tests: Record<string, {body: string; modules?: string[]}>): TempProject {
  const entries = Object.entries(tests)
    .map(
      ([name, t]) =>
        `  - name: ${name}\n    kind: function.lua\n    meta: {type: test, suite: lua}\n    source: file://${name}.lua\n    method: main\n    modules: [${(t.modules ?? []).join(', ')}]\n`,
    )
    .join('')
  const files: Record<string, string> = {
    'src/tests/_index.yaml': `version: "1.0"\nnamespace: app.tests\nentries:\n${entries}`,
  }
  for (const [name, t] of Object.entries(tests))
    files[`src/tests/${name}.lua`] = `local function main()\n${t.body}\nend\nreturn {main = main}\n`
  files['src/tests/failing_async.lua'] =
    'return {main = function(kind, msg) return nil, errors.new({message = msg, kind = kind}) end}\n'
  files['src/tests/_helpers.yaml'] =
    'version: "1.0"\nnamespace: app.helpers\nentries:\n  - {name: failing_async, kind: function.lua, source: file://failing_async.lua, method: main}\n'
  const p = writeProject(files)
  projects.push(p)
  return p
}

describe('Lua API details learnt from the platform test app', () => {
  test('errors, json, ctx, funcs.async and the type dialect behave as on the platform', async () => {
    const p = project({
      ctx_errors: {
        body: `local ctx = require("ctx")
  local _, missing = ctx.get("nope")
  local _, empty = ctx.get("")
  return missing:kind() == errors.NOT_FOUND and missing:retryable() == false and empty:kind() == errors.INVALID`,
        modules: ['ctx'],
      },
      error_values: {
        body: `local e = errors.new("plain")
  local w = errors.wrap(errors.new({message = "inner", kind = errors.INVALID, details = {code = 1}}), "outer")
  if errors.UNKNOWN ~= "" or e:kind() ~= "" or e:retryable() ~= nil then return false, "defaults" end
  if errors.new({message = "x", details = {}}):details() ~= nil then return false, "empty details" end
  if w:message() ~= "inner" or tostring(w) ~= "outer: inner" or w:details().code ~= 1 then return false, "wrap" end
  local frames = errors.call_stack(e).frames
  return #e:stack() > 0 and #frames > 0 and frames[1].line ~= nil`,
      },
      future_error_on_channel: {
        body: `local funcs = require("funcs")
  local f = funcs.async("app.helpers:failing_async", errors.INTERNAL, "boom")
  local err, ok = f:response():receive()
  return ok == true and err:kind() == errors.INTERNAL and f:is_complete()`,
        modules: ['funcs'],
      },
      json_sparse: {
        body: `local json = require("json")
  local _, err = json.encode({[1] = "a", [3] = "c"})
  return err ~= nil and err:kind() == errors.INTERNAL and err:retryable() == false and json.encode({"a", "b"}) == '["a","b"]'`,
        modules: ['json'],
      },
      type_dialect: {
        body: `type Box<T> = {value: T}
  type NumberBox = Box<number>
  type Label = string @min_len(1) @max_len(8)
  type Ro = readonly {[string]: number}
  local xs: number[] = {1, 2}
  local n = (xs[1] + 1) as number
  local function first(arr: readonly {number}): number? return arr[1] end
  return n == 2 and first(xs) == 1`,
      },
    })
    const report = await runTests({env: {}, root: p.root})
    const failed = report.tests.filter((t) => t.status === 'failed').map((t) => `${t.id}: ${t.failure?.message}`)
    expect(failed).toEqual([])
    expect(report.passed).toBe(5)
  })
})
