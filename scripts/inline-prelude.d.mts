// Types for scripts/inline-prelude.mjs (imported by test/global-setup.ts).
export declare const GENERATED: string
export declare function inlinePrelude(): boolean
