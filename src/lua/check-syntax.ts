/**
 * `checkLuaSyntax(text, chunkName)`: a synchronous syntax check in the real VM, for
 * `wippy lint` and the registry loader. Importing this module loads the shared wasm
 * runtime once (top-level await), which is what makes the check synchronous afterwards.
 */
import {sharedLuaRuntime} from './vm/runtime.js'

/** A syntax problem shaped like the registry's `Problem`. */
export interface LuaSyntaxIssue {
  code: 'WIPPY_LUA_SYNTAX'
  column?: number
  file: string
  hint: string
  line?: number
  message: string
  severity: 'error'
}

const runtime = await sharedLuaRuntime()

/** Returns the first syntax error of a (possibly type-annotated) Lua text, or undefined. */
export function checkLuaSyntax(text: string, chunkName: string): LuaSyntaxIssue | undefined {
  const problem = runtime.checkSyntax(text, chunkName)
  if (!problem) return undefined
  const issue: LuaSyntaxIssue = {
    code: 'WIPPY_LUA_SYNTAX',
    file: chunkName,
    hint: 'Fix the Lua syntax at this position; type annotations are allowed.',
    message: `Lua syntax error: ${problem.message}.`,
    severity: 'error',
  }
  if (problem.line !== undefined) issue.line = problem.line
  if (problem.column !== undefined) issue.column = problem.column
  return issue
}
