/** Public surface of the Lua runtime. */
export * from './types.js'
export {LuaRuntime, sharedLuaRuntime, type LuaSyntaxProblem} from './vm/runtime.js'
export {WasmoonProgram, DEFAULT_INSTRUCTION_BUDGET, DEFAULT_MEMORY_BYTES} from './vm/program.js'
export {stripTypes} from './dialect/strip-types.js'
