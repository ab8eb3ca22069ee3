/**
 * The deepest table the value codec (codec.ts) converts, either way. Its own module so the
 * payload limits (history/payload-limits.ts) share the one number without loading wasmoon.
 */
export const MAX_DEPTH = 100
