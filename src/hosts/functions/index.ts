/** The function host: on-demand `function.lua` calls. */
export {
  FunctionHost,
  type CallResult,
  type FunctionHostOptions,
  type LogLevel,
  type ProcessGateway,
} from './function-host.js'
export type {FunctionCaller} from '../addressing.js'
export {Mailbox, driveProgram, type CommandHandler} from './drive-program.js'
export {generateUuid} from '../ops/uuid.js'
export {checkLuaSyntax, type LuaSyntaxIssue} from '../../lua/check-syntax.js'
