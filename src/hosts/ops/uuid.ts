/** UUID v1/v4/v7 generation for hosts that run commands live (not part of portable lua/). */
import {randomBytes, randomUUID} from 'node:crypto'

import type {LuaCommand, LuaDelivery} from '../../lua/types.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const format = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`

/** Generates a UUID of the given version at wall-clock time `nowMs`. */
export function generateUuid(version: string, nowMs: number): string | undefined {
  if (version === 'v4') return randomUUID()
  if (version === 'v7') {
    const b = randomBytes(16)
    const ts = BigInt(Math.trunc(nowMs))
    for (let i = 0; i < 6; i++) b[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn)
    b[6] = (b[6]! & 0x0f) | 0x70
    b[8] = (b[8]! & 0x3f) | 0x80
    return format(hex(b))
  }
  if (version === 'v1') {
    // 100 ns intervals since 1582-10-15
    const t = BigInt(Math.trunc(nowMs)) * 10_000n + 122_192_928_000_000_000n
    const b = randomBytes(16)
    const low = Number(t & 0xffffffffn)
    const mid = Number((t >> 32n) & 0xffffn)
    const high = Number((t >> 48n) & 0x0fffn) | 0x1000
    b.writeUInt32BE(low, 0)
    b.writeUInt16BE(mid, 4)
    b.writeUInt16BE(high, 6)
    b[8] = (b[8]! & 0x3f) | 0x80
    b[10] = b[10]! | 0x01 // random node id: multicast bit set as RFC 4122 asks
    return format(hex(b))
  }
  return undefined
}

/** Runs one `uuid.generate` command live (function and process hosts; workflows record it). */
export function executeUuidCommand(cmd: LuaCommand<'uuid.generate'>, nowMs: number): LuaDelivery {
  const version = cmd.args[0]
  const id = generateUuid(version, nowMs)
  if (id) return {kind: 'result', tag: cmd.tag, value: id}
  return {
    error: {kind: 'Invalid', message: `unknown UUID version ${version}`, retryable: false},
    kind: 'result',
    tag: cmd.tag,
  }
}
