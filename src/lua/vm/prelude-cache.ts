/**
 * Prelude bytecode made at build time (`scripts/precompile-prelude.mjs` writes
 * `prelude-bytecode.js` next to this module in dist/): compiling the ~300 KB of prelude
 * text costs ~50 ms at every start of a command that runs Lua; loading the bytecode does
 * not. The bytecode is used only when its key matches the prelude this code was built with;
 * otherwise (a source checkout, an edited chunk) the runtime compiles as before.
 */
import type {PreludeChunk} from './program.js'

/** What the build writes: the prelude's key and each chunk's bytecode, base64. */
export interface PreludeBytecode {
  chunks: Record<string, string>
  key: string
}

/**
 * A key over every chunk's name and text, and the total length: two FNV-1a 32 hashes with
 * different seeds (Math.imul keeps it ~1 ms for the whole prelude). It changes with any edit.
 */
export function preludeKey(chunks: readonly Pick<PreludeChunk, 'name' | 'text'>[]): string {
  let a = 0x811c9dc5
  let b = 0x01000193
  let length = 0
  for (const chunk of chunks) {
    for (const text of [chunk.name, '\0', chunk.text, '\0']) {
      length += text.length
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        a = Math.imul(a ^ c, 0x01000193)
        b = Math.imul(b ^ c, 0x5bd1e995)
      }
    }
  }
  return `${(a >>> 0).toString(16)}-${(b >>> 0).toString(16)}-${length}`
}

function fromBase64(b64: string): Uint8Array {
  const text = atob(b64)
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

/** The build's bytecode for these chunks, or undefined when absent or made for other text. */
export async function builtPreludeBytecode(
  chunks: readonly PreludeChunk[],
): Promise<Map<string, Uint8Array> | undefined> {
  // A variable specifier: the module exists only in dist/, after the build.
  const specifier = './prelude-bytecode.js'
  let built: PreludeBytecode | undefined
  try {
    built = ((await import(specifier)) as {PRELUDE_BYTECODE?: PreludeBytecode}).PRELUDE_BYTECODE
  } catch {
    return undefined
  }
  return matchingBytecode(built, chunks)
}

/**
 * Each chunk's bytecode from `built` (what the build wrote), or undefined when it is absent, was
 * made for other text, or lacks a chunk. Synchronous, for hosts that bundle the build's module.
 */
export function matchingBytecode(
  built: PreludeBytecode | undefined,
  chunks: readonly PreludeChunk[],
): Map<string, Uint8Array> | undefined {
  if (!built || built.key !== preludeKey(chunks)) return undefined
  const out = new Map<string, Uint8Array>()
  for (const chunk of chunks) {
    const b64 = built.chunks[chunk.name]
    if (b64 === undefined) return undefined
    out.set(chunk.name, fromBase64(b64))
  }
  return out
}
