import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Inside the workspace every package resolves to its sources, so no build step is needed.
const alias = {
  '@keyward/core/testing': source('./packages/core/src/testing/index.ts'),
  '@keyward/core': source('./packages/core/src/index.ts'),
  '@keyward/redis': source('./packages/redis/src/index.ts'),
  '@keyward/jwt': source('./packages/jwt/src/index.ts'),
  '@keyward/express': source('./packages/express/src/index.ts'),
  '@keyward/hono': source('./packages/hono/src/index.ts'),
}

const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, include, ...extra },
})

export default defineConfig({
  resolve: { alias },
  test: {
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
    projects: [
      project('core', ['packages/core/**/*.test.ts', 'packages/core/**/*.test-d.ts']),
      project('redis', ['packages/redis/**/*.test.ts'], { fileParallelism: false }),
      project('jwt', ['packages/jwt/**/*.test.ts', 'packages/jwt/**/*.test-d.ts']),
      project('express', ['packages/express/**/*.test.ts', 'packages/express/**/*.test-d.ts']),
      project('hono', ['packages/hono/**/*.test.ts', 'packages/hono/**/*.test-d.ts']),
      project('examples', ['examples/**/*.test.ts']),
      project('integration', ['test/**/*.test.ts'], { fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 }),
      project('bench', ['bench/**/*.test.ts']),
    ],
  },
})
