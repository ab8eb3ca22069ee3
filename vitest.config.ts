import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Inlines src/lua/prelude/*.lua into the generated module src/ imports (scripts/inline-prelude.mjs).
    globalSetup: ['test/global-setup.ts'],
    // The JSON report is what .ci/run reads to print the `N passed, N failed` line.
    reporters: ['default', 'json'],
    outputFile: {json: 'test-results.json'},
  },
})
