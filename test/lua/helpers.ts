import type {LuaCommand, LuaDelivery, LuaProgramSpec, StepOutcome} from '../../src/lua/types.js'
import {type LuaRuntime, sharedLuaRuntime} from '../../src/lua/vm/runtime.js'
import {driveProgram} from '../../src/hosts/functions/drive-program.js'

export const runtime: LuaRuntime = await sharedLuaRuntime()

export function spec(text: string, extra: Partial<LuaProgramSpec> = {}): LuaProgramSpec {
  return {
    kind: 'function',
    modules: ['time', 'funcs', 'json', 'uuid', 'ctx', 'logger', 'env', 'workflow'],
    source: {chunkName: 'src/app/test.lua', entryId: 'app:test', text},
    ...extra,
  }
}

/** Runs to completion answering commands synchronously; records every command. */
export async function run(
  text: string,
  answer: (cmd: LuaCommand) => LuaDelivery | undefined = (cmd) => ({kind: 'result', tag: cmd.tag}),
  extra: Partial<LuaProgramSpec> = {},
  args: unknown[] = [],
): Promise<{commands: LuaCommand[]; outcome: StepOutcome}> {
  const program = runtime.createProgram(spec(text, extra))
  const commands: LuaCommand[] = []
  try {
    const outcome = await driveProgram(program, args, (cmd) => {
      commands.push(cmd)
      return answer(cmd)
    })
    return {commands, outcome}
  } finally {
    program.close()
  }
}

export function resultOf(o: StepOutcome): unknown {
  if (o.status !== 'done') throw new Error(`expected done, got ${o.status}: ${JSON.stringify(o)}`)
  return o.result
}
