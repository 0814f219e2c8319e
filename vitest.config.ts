import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Inside the workspace every package resolves to its sources, so no build step is needed.
const alias = {
  '@keyward/core/adapter': source('./packages/core/src/adapter.ts'),
  '@keyward/core/testing': source('./packages/core/src/testing/index.ts'),
  '@keyward/core': source('./packages/core/src/index.ts'),
  '@keyward/redis': source('./packages/redis/src/index.ts'),
  '@keyward/postgres': source('./packages/postgres/src/index.ts'),
  '@keyward/jwt': source('./packages/jwt/src/index.ts'),
  '@keyward/express': source('./packages/express/src/index.ts'),
  '@keyward/hono': source('./packages/hono/src/index.ts'),
  '@keyward/fastify': source('./packages/fastify/src/index.ts'),
  '@keyward/ui': source('./packages/ui/src/index.ts'),
  '@keyward/cli': source('./packages/cli/src/index.ts'),
}

/** One vitest project per package, running its `*.test.ts`. */
const project = (name: string, dir: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: {
    name,
    include: [`${dir}/**/*.test.ts`],
    exclude: ['**/node_modules/**', '**/dist/**'],
    ...extra,
  },
})

// CI asks for a JSON report beside the usual output, to count passed and failed tests.
const report = process.env.KEYWARD_TEST_REPORT

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    projects: [
      project('core', 'packages/core'),
      project('redis', 'packages/redis', { fileParallelism: false }),
      project('postgres', 'packages/postgres', { fileParallelism: false }),
      project('jwt', 'packages/jwt'),
      project('express', 'packages/express'),
      project('hono', 'packages/hono'),
      project('fastify', 'packages/fastify'),
      project('ui', 'packages/ui'),
      project('cli', 'packages/cli', {
        fileParallelism: false,
        testTimeout: 60_000,
        hookTimeout: 60_000,
      }),
      project('examples', 'examples'),
      project('integration', 'test', {
        fileParallelism: false,
        testTimeout: 60_000,
        hookTimeout: 60_000,
      }),
      project('bench', 'bench'),
      {
        // Type tests (`*.test-d.ts`, expectTypeOf and @ts-expect-error) run once, for all packages.
        extends: true as const,
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['{packages,examples,test}/**/*.test-d.ts'],
            tsconfig: './tsconfig.test.json',
          },
        },
      },
    ],
  },
})
