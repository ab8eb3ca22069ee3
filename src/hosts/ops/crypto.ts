/**
 * The host side of the Lua `crypto` module (Node's `crypto`, kept out of the portable
 * `src/lua/`). Two command ops:
 *
 * - `crypto.random` `[length]` → `length` random bytes as lowercase hex. The only
 *   nondeterministic op: workflows record it as a SideEffect (`crypto.random:<length>`), so
 *   a replay hands the code the same bytes. Random strings, UUIDs and AEAD nonces are all
 *   derived from it on the Lua side.
 * - `crypto.compute` `[fn, ...args]` → a deterministic function of its arguments (HMAC,
 *   AEAD seal with a given nonce, open, PBKDF2, JWT encode/verify). Never recorded.
 *
 * Byte strings cross the Lua codec as UTF-8 text, which would mangle arbitrary bytes, so
 * every byte-string argument and binary result travels hex encoded.
 */
import {
  type CipherGCMTypes,
  createCipheriv,
  createDecipheriv,
  createHmac,
  pbkdf2Sync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto'

import type {LuaCommand, LuaDelivery, LuaErrorValue} from '../../lua/types.js'

/** Largest `crypto.random` request, as the platform documents (1 MiB). */
export const MAX_RANDOM_BYTES = 1_048_576
/** Largest PBKDF2 iteration count the platform accepts. */
const MAX_PBKDF2_ITERATIONS = 10_000_000
/** Largest derived key: far beyond any real use, small enough not to exhaust memory. */
const MAX_PBKDF2_KEY = 1_048_576
const NONCE_BYTES = 12
const TAG_BYTES = 16

/** The SideEffect op a workflow records a `crypto.random` command under (its replay identity). */
export function cryptoSideEffectOp(cmd: LuaCommand): string {
  return `crypto.random:${String(cmd.args[0])}`
}

/** `length` fresh random bytes as hex; throws a CryptoFailure on a bad length. */
export function randomHex(length: unknown): string {
  const n = Number(length)
  if (!Number.isInteger(n) || n < 1 || n > MAX_RANDOM_BYTES)
    throw invalid(`random length must be between 1 and ${MAX_RANDOM_BYTES}`)
  return randomBytes(n).toString('hex')
}

/** Runs one `crypto.*` command and answers it (always synchronously). */
export function executeCryptoCommand(cmd: LuaCommand): LuaDelivery {
  try {
    const value = cmd.op === 'crypto.random' ? randomHex(cmd.args[0]) : compute(String(cmd.args[0]), cmd.args.slice(1))
    return {kind: 'result', tag: cmd.tag, value}
  } catch (error) {
    const e: LuaErrorValue =
      error instanceof CryptoFailure
        ? {kind: error.kind, message: error.message, retryable: false}
        : {kind: 'Internal', message: error instanceof Error ? error.message : String(error), retryable: false}
    return {error: e, kind: 'result', tag: cmd.tag}
  }
}

/** An error meant for the Lua caller, with the platform's kind. */
class CryptoFailure extends Error {
  constructor(
    readonly kind: 'Internal' | 'Invalid',
    message: string,
  ) {
    super(message)
  }
}
const invalid = (message: string): CryptoFailure => new CryptoFailure('Invalid', message)
const internal = (message: string): CryptoFailure => new CryptoFailure('Internal', message)

const bytes = (v: unknown): Buffer => (typeof v === 'string' && v !== '' ? Buffer.from(v, 'hex') : Buffer.alloc(0))

function compute(fn: string, a: unknown[]): unknown {
  switch (fn) {
    case 'hmac': {
      const alg = String(a[0])
      if (alg !== 'sha256' && alg !== 'sha512') throw invalid(`unsupported HMAC hash ${alg}`)
      const key = bytes(a[1])
      if (key.length === 0) throw invalid('HMAC key must not be empty')
      return createHmac(alg, key).update(bytes(a[2])).digest('hex')
    }
    case 'seal': {
      return seal(String(a[0]), bytes(a[1]), bytes(a[2]), bytes(a[3]), bytes(a[4])).toString('hex')
    }
    case 'open': {
      return open(String(a[0]), bytes(a[1]), bytes(a[2]), bytes(a[3])).toString('hex')
    }
    case 'pbkdf2': {
      return pbkdf2(
        bytes(a[0]),
        bytes(a[1]),
        a[2],
        a[3],
        a[4] === null || a[4] === undefined ? 'sha256' : String(a[4]),
      ).toString('hex')
    }
    case 'jwt.encode': {
      return jwtEncode(a[0], bytes(a[1]), a[2] === null || a[2] === undefined ? 'HS256' : String(a[2]))
    }
    case 'jwt.verify': {
      return jwtVerify(
        String(a[0] ?? ''),
        bytes(a[1]),
        a[2] === null || a[2] === undefined ? 'HS256' : String(a[2]),
        a[3] !== false,
      )
    }
    default: {
      throw invalid(`unknown crypto function ${fn}`)
    }
  }
}

// AEAD ------------------------------------------------------------------------------------

/** The Node cipher for a key (typed as GCM: ChaCha20-Poly1305 takes the same options and calls). */
function cipherName(cipher: string, key: Buffer): CipherGCMTypes {
  if (cipher === 'chacha20') {
    if (key.length !== 32) throw invalid(`ChaCha20-Poly1305 key must be 32 bytes, got ${key.length}`)
    return 'chacha20-poly1305' as CipherGCMTypes
  }
  if (cipher !== 'aes') throw invalid(`unknown cipher ${cipher}`)
  if (key.length === 16) return 'aes-128-gcm'
  if (key.length === 24) return 'aes-192-gcm'
  if (key.length === 32) return 'aes-256-gcm'
  throw invalid(`AES key must be 16, 24 or 32 bytes, got ${key.length}`)
}

/** nonce ‖ ciphertext ‖ tag: the nonce is prepended, as the platform does. */
function seal(cipher: string, key: Buffer, nonce: Buffer, data: Buffer, aad: Buffer): Buffer {
  const name = cipherName(cipher, key)
  if (nonce.length !== NONCE_BYTES) throw invalid(`nonce must be ${NONCE_BYTES} bytes`)
  const c = createCipheriv(name, key, nonce, {authTagLength: TAG_BYTES})
  if (aad.length > 0) c.setAAD(aad, {plaintextLength: data.length})
  const body = Buffer.concat([c.update(data), c.final()])
  return Buffer.concat([nonce, body, c.getAuthTag()])
}

function open(cipher: string, key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  const name = cipherName(cipher, key)
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw invalid('ciphertext is too short')
  const nonce = sealed.subarray(0, NONCE_BYTES)
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)
  const d = createDecipheriv(name, key, nonce, {authTagLength: TAG_BYTES})
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  if (aad.length > 0) d.setAAD(aad, {plaintextLength: body.length})
  try {
    return Buffer.concat([d.update(body), d.final()])
  } catch {
    throw internal('decryption failed: message authentication failed')
  }
}

// PBKDF2 ----------------------------------------------------------------------------------

function pbkdf2(password: Buffer, salt: Buffer, iterations: unknown, keyLength: unknown, hash: string): Buffer {
  if (hash !== 'sha256' && hash !== 'sha512') throw invalid(`unsupported PBKDF2 hash ${hash} (use sha256 or sha512)`)
  if (password.length === 0) throw invalid('password must not be empty')
  if (salt.length === 0) throw invalid('salt must not be empty')
  const iter = Number(iterations)
  if (!Number.isInteger(iter) || iter < 1 || iter > MAX_PBKDF2_ITERATIONS)
    throw invalid(`iterations must be between 1 and ${MAX_PBKDF2_ITERATIONS}`)
  const len = Number(keyLength)
  if (!Number.isInteger(len) || len < 1 || len > MAX_PBKDF2_KEY)
    throw invalid(`key length must be between 1 and ${MAX_PBKDF2_KEY}`)
  return pbkdf2Sync(password, salt, iter, len, hash)
}

// JWT -------------------------------------------------------------------------------------

const HMAC_ALGS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {HS256: 'sha256', HS384: 'sha384', HS512: 'sha512'}
const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url')

function signature(alg: string, key: Buffer, input: string): Buffer {
  const h = HMAC_ALGS[alg]
  if (h) return createHmac(h, key).update(input).digest()
  try {
    return sign('sha256', Buffer.from(input), key.toString('utf8'))
  } catch (error) {
    throw invalid(`RS256 needs a PEM private key: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function jwtEncode(payload: unknown, key: Buffer, requested: string): string {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    throw invalid('jwt payload must be a table')
  if (key.length === 0) throw invalid('jwt key must not be empty')
  // The platform falls back to HS256 for an algorithm it does not know.
  const alg = HMAC_ALGS[requested] || requested === 'RS256' ? requested : 'HS256'
  const {_header: extra, ...claims} = payload as Record<string, unknown>
  const header = {...(extra && typeof extra === 'object' && !Array.isArray(extra) ? extra : {}), alg, typ: 'JWT'}
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  return `${input}.${b64url(signature(alg, key, input))}`
}

function jwtVerify(token: string, key: Buffer, alg: string, requireExp: boolean): unknown {
  if (key.length === 0) throw invalid('jwt key must not be empty')
  if (!HMAC_ALGS[alg] && alg !== 'RS256') throw invalid(`unsupported JWT algorithm ${alg}`)
  const parts = token.split('.')
  if (parts.length !== 3) throw internal('token is malformed')
  const [h, p, s] = parts as [string, string, string]
  const header = parseSegment(h, 'header') as {alg?: unknown}
  if (header.alg !== alg) throw internal(`token is signed with ${String(header.alg)}, expected ${alg}`)
  const input = `${h}.${p}`
  const sig = Buffer.from(s, 'base64url')
  let ok: boolean
  if (HMAC_ALGS[alg]) {
    const want = signature(alg, key, input)
    ok = want.length === sig.length && timingSafeEqual(want, sig)
  } else {
    try {
      ok = verify('sha256', Buffer.from(input), key.toString('utf8'), sig)
    } catch (error) {
      throw invalid(`RS256 needs a PEM public key: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (!ok) throw internal('token signature is invalid')
  const claims = parseSegment(p, 'claims')
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims))
    throw internal('token claims are not an object')
  const c = claims as Record<string, unknown>
  // Wall clock, as the platform's JWT library does (not the workflow clock).
  const now = Date.now() / 1000
  if (c.exp === undefined) {
    if (requireExp) throw internal('token has no exp claim')
  } else if (typeof c.exp !== 'number' || now >= c.exp) throw internal('token is expired')
  if (c.nbf !== undefined && (typeof c.nbf !== 'number' || now < c.nbf)) throw internal('token is not valid yet')
  return claims
}

function parseSegment(segment: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    throw internal(`token ${what} is malformed`)
  }
}
