import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Mutation runs (`pnpm test:mutation`) use only the core package's tests: every mutated file
// lives in packages/core/src, and the core tests need no Redis or PostgreSQL, so each mutant
// runs in seconds. Same aliases as vitest.config.ts.
export default defineConfig({
  resolve: {
    alias: {
      '@keyward/core/adapter': source('./packages/core/src/adapter.ts'),
      '@keyward/core/testing': source('./packages/core/src/testing/index.ts'),
      '@keyward/core': source('./packages/core/src/index.ts'),
    },
  },
  test: {
    name: 'core',
    include: ['packages/core/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // One module graph for every test file: a mutant's run reimports nothing, which makes it
    // several times faster (mutants switch by a global, not by reloading modules).
    isolate: false,
  },
})
