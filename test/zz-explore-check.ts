/**
 * Runs the key-lifecycle model check (test/lifecycle-model.test.ts) for as long as asked:
 *
 *   pnpm exec tsx test/model-check.ts --runs 2000
 *   pnpm exec tsx test/model-check.ts --backend redis --runs 500 --max-commands 60
 *   pnpm exec tsx test/model-check.ts --backend memory --seed 1234 --path "12:3:1" --replay-path "AB:C"
 *
 * Options: `--runs N` sequences per backend (default 2000); `--backend memory|redis|both`
 * (default both); `--max-commands N` (default 40); `--seed N` (default random, printed);
 * `--path P --replay-path R` replay the failure fast-check printed (`path: "P"`, and
 * `replayPath="R"` after the counterexample). Redis runs use `REDIS_URL`
 * (default redis://127.0.0.1:6379). Exits 1 on the first disagreement, after shrinking it.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// `@keyward/*` resolve to the workspace sources through the `paths` of tsconfig.test.json,
// which tsx reads only when told at start-up: run again, told.
if (process.env.TSX_TSCONFIG_PATH === undefined) {
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: fileURLToPath(new URL('../tsconfig.test.json', import.meta.url)),
    },
  })
  process.exit(again.status ?? 1)
}

const { checkLifecycle, createModelStats } = await import('./support/zz-explore-model.js')
type Backend = import('./support/zz-explore-model.js').Backend

function usage(message: string): never {
  console.error(`${message}
usage: pnpm exec tsx test/model-check.ts [--runs N] [--backend memory|redis|both]
                                         [--max-commands N] [--seed N]
                                         [--path P --replay-path R]`)
  process.exit(2)
}

function parseArgs(argv: readonly string[]) {
  const options = {
    runs: 2_000,
    backends: ['memory', 'redis'] as Backend[],
    maxCommands: 40,
    seed: undefined as number | undefined,
    path: undefined as string | undefined,
    replayPath: undefined as string | undefined,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = argv[i + 1]
    if (flag === '--help' || flag === '-h')
      usage('Runs random key-lifecycle sequences against the model.')
    if (value === undefined) usage(`${flag} needs a value`)
    i++
    const integer = () => {
      const n = Number(value)
      if (!Number.isSafeInteger(n)) usage(`${flag} must be an integer`)
      return n
    }
    switch (flag) {
      case '--runs':
        options.runs = integer()
        break
      case '--max-commands':
        options.maxCommands = integer()
        break
      case '--seed':
        options.seed = integer()
        break
      case '--path':
        options.path = value
        break
      case '--replay-path':
        options.replayPath = value
        break
      case '--backend':
        if (value === 'both') options.backends = ['memory', 'redis']
        else if (value === 'memory' || value === 'redis') options.backends = [value]
        else usage('--backend must be memory, redis or both')
        break
      default:
        usage(`unknown option ${flag}`)
    }
  }
  if (options.path !== undefined && (options.seed === undefined || options.backends.length !== 1))
    usage('--path needs the --seed and the one --backend it was printed for')
  return options
}

const options = parseArgs(process.argv.slice(2))
let failed = false
for (const backend of options.backends) {
  // A seed of our own choosing, so it can be printed even when fast-check's report is long.
  const seed = options.seed ?? (Math.random() * 2 ** 31) | 0
  const stats = createModelStats()
  const started = performance.now()
  console.log(
    `${backend}: ${options.runs} sequences of up to ${options.maxCommands} commands, seed ${seed}`,
  )
  try {
    await checkLifecycle({
      backend,
      numRuns: options.runs,
      maxCommands: options.maxCommands,
      seed,
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
      stats,
    })
    console.log(`${backend}: passed`)
  } catch (error) {
    failed = true
    // fast-check's report (seed, path, the shrunk sequence), then what the model saw.
    for (let e: unknown = error; e !== undefined; e = (e as Error).cause) {
      console.error(e instanceof Error ? e.message : e)
      if (!(e instanceof Error)) break
    }
    console.error(
      `\n${backend}: FAILED with seed ${seed}; replay with\n` +
        `  pnpm exec tsx test/model-check.ts --backend ${backend} --seed ${seed} --path "<path>" --replay-path "<replayPath>"`,
    )
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `${backend}: ${stats.sequences} sequences, ${stats.commands} commands, ` +
      `${stats.verifications} verifications, ${stats.races} races held at a store read, ${seconds} s` +
      (failed ? ' (shrinking included)' : ''),
  )
  if (failed) break
}
process.exit(failed ? 1 : 0)
