/**
 * The `time.zone` command's executor for every host: the zone's transition table
 * (src/time/zones.ts builds it from ICU), or a NotFound error. Pure on one machine, but
 * it depends on the ICU data Node ships (see COMMAND_KIND in src/lua/command-catalog.ts).
 */
import type {LuaCommand, LuaDelivery} from '../../lua/types.js'
import {zoneTable} from '../../time/zones.js'

/** The `time.zone` command's result: the table, or a NotFound error. */
export function zoneDelivery(tag: number, name: unknown): LuaDelivery {
  const table = typeof name === 'string' ? zoneTable(name) : undefined
  if (table) return {kind: 'result', tag, value: table}
  return {
    error: {kind: 'NotFound', message: `unknown time zone ${String(name)}`, retryable: false},
    kind: 'result',
    tag,
  }
}

/** Runs one `time.zone` command. */
export function executeZoneCommand(cmd: LuaCommand<'time.zone'>): LuaDelivery {
  return zoneDelivery(cmd.tag, cmd.args[0])
}
