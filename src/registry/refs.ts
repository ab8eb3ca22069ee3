/** Resolves a reference: a bare name resolves in `fromNamespace`; `ns:name` is kept. */
export function resolveRef(ref: string, fromNamespace: string): string {
  return ref.includes(':') ? ref : `${fromNamespace}:${ref}`
}
