// Mutation testing of the security-critical files of @keyward/core: `pnpm test:mutation`.
// Each mutant (a small planted bug) must fail at least one core test. Incremental: the result
// of every mutant is kept in reports/stryker-incremental.json (committed), so a rerun only
// tests mutants whose code or covering tests changed. An equivalent mutant (no behaviour a
// user could notice changes) is marked in the source with
// `// Stryker disable next-line <mutator>: <reason>`.

import { fileURLToPath } from 'node:url'

// pnpm keeps each package's dependencies apart, so Stryker's default plugin glob
// ("@stryker-mutator/*" next to its own folder) finds none: name the two plugins by path.
const plugin = (name) => fileURLToPath(import.meta.resolve(name))

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  plugins: [
    plugin('@stryker-mutator/vitest-runner'),
    plugin('@stryker-mutator/typescript-checker'),
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'packages/core/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) would each rerun all ~500 core tests: three
  // quarters of the run time for a quarter of the mutants. Run them on demand with
  // `pnpm test:mutation --ignoreStatic false`.
  ignoreStatic: true,
  mutate: [
    'packages/core/src/verify/*.ts',
    'packages/core/src/backends/revocation-mirror.ts',
    'packages/core/src/backends/memory-revocation-list.ts',
    'packages/core/src/backends/revocation-change.ts',
    'packages/core/src/scopes.ts',
    'packages/core/src/token/token.ts',
    'packages/core/src/limits/*.ts',
    'packages/core/src/backends/memory-limiter.ts',
    'packages/core/src/keys/*.ts',
    'packages/core/src/http/management/routes.ts',
    'packages/core/src/http/management/key-routes.ts',
    'packages/core/src/http/management/context.ts',
    'packages/core/src/http/principal.ts',
    '!packages/core/src/**/*.test.ts',
  ],
  ignorePatterns: ['reports', '.stryker-tmp', 'bench/results', '.ci'],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Two cores are shared on a small machine; raise with --concurrency where there are more.
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
