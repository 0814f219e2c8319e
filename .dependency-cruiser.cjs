/**
 * The layer rules of every packages/<name>/src, checked in CI by `pnpm check:layers`.
 * Core's folders are its layers, bottom up:
 *   lib/ → vocabulary (errors, types, scopes, duration, unavailable) → token/, limits/
 *   → backends/ → keys/, verify/, webhooks/, policies/, keyward-options.ts → keyward.ts → http/ → entries
 * and an import may only point down. See "Architecture" in the root README.
 */
const core = '^packages/core/src/'
const vocabulary = `${core}(errors|types|scopes|duration|unavailable)\\.ts$`
const entries = `${core}(index|adapter)\\.ts$|${core}testing/`

/** `from` (a path pattern) may not import any of `to` (path patterns). */
const mayNotImport = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: '\\.test(-d)?\\.ts$' },
  to: { path: to },
})

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'An import cycle ties files together: cut it by moving the shared part down a layer.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    mayNotImport(
      'lib-is-leaves',
      "core's lib/ holds leaves only: it imports nothing of core outside lib/",
      `${core}lib/`,
      `${core}(?!lib/)`,
    ),
    mayNotImport(
      'vocabulary-imports-only-lib',
      'errors, types, scopes, duration and unavailable are the vocabulary every layer uses',
      vocabulary,
      `${core}(token|limits|backends|keys|verify|webhooks|policies|http|testing)/|${core}(keyward|keyward-options|index|adapter)\\.ts$`,
    ),
    mayNotImport(
      'token-and-limits-below-backends',
      'token/ and limits/ know the vocabulary only',
      `${core}(token|limits)/`,
      `${core}(backends|keys|verify|webhooks|policies|http|testing)/|${core}(keyward|keyward-options|index|adapter)\\.ts$`,
    ),
    mayNotImport(
      'backends-below-keys-and-verify',
      'backends/ (records, mirror, memory store, list and limiter) know nothing of the lifecycle or the verifier',
      `${core}backends/`,
      `${core}(keys|verify|webhooks|policies|http|testing)/|${core}(keyward|keyward-options|index|adapter)\\.ts$`,
    ),
    mayNotImport(
      'keys-and-verify-below-keyward',
      'the lifecycle, the verifier and the webhook dispatcher are wired by createKeyward, never the other way round',
      `${core}(keys|verify|webhooks|policies)/|${core}keyward-options\\.ts$`,
      `${core}(http|testing)/|${core}(keyward|index|adapter)\\.ts$`,
    ),
    mayNotImport(
      'keyward-below-http',
      'createKeyward knows nothing of HTTP',
      `${core}keyward\\.ts$`,
      `${core}(http|testing)/|${core}(index|adapter)\\.ts$`,
    ),
    mayNotImport(
      'http-below-entries',
      'http/ is reached through the entries, never imports them',
      `${core}http/`,
      entries,
    ),
    mayNotImport(
      'core-never-imports-other-packages',
      'core → nothing of ours: adapters, stores and tools depend on core, not the reverse',
      '^packages/core/src/',
      '^packages/(?!core/)|@keyward/(?!core)',
    ),
    mayNotImport(
      'backends-and-tokens-never-import-adapters-or-tools',
      'redis, postgres and jwt sit below the framework adapters, the UI and the CLI',
      '^packages/(redis|postgres|jwt)/src/',
      '^packages/(express|hono|fastify|ui|cli)/',
    ),
    {
      name: 'adapters-never-import-each-other',
      comment: 'each adapter, the UI and the CLI stand alone; what two of them need lives in core',
      severity: 'error',
      from: { path: '^packages/(express|hono|fastify|ui|cli)/src/' },
      to: { path: '^packages/(express|hono|fastify|ui|cli)/', pathNot: '^packages/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
    },
  },
}
