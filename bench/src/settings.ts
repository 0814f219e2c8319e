import type { MicroOptions } from './micro.js'
import type { Section, TargetResult } from './report.js'

/** How long and how hard each case runs; `quick` fits the whole suite in under a minute. */
export interface BenchSettings {
  mode: 'full' | 'quick'
  micro: MicroOptions
  http: {
    /** Load before the measured rounds, in whole seconds (autocannon's granularity). */
    warmupSeconds: number
    /** Length of one measured autocannon run, in whole seconds (autocannon's granularity). */
    roundSeconds: number
    /** Rounds; every server of a group runs once per round, the order alternating. */
    rounds: number
    connections: number
    pipelining: number
  }
  /** Revocation time-to-effect (cases 4 and 8), see `src/time-to-effect.ts`. */
  revocation: {
    /** Rounds kept: one sample of each kind (Keyward's change, the bare message, …) per round. */
    samples: number
    /** Rounds run first and discarded. */
    warmup: number
    /** Time bound of the kept rounds of one measurement, in s: fewer rounds are kept past it. */
    seconds: number
  }
  redisRoundTrips: {
    /** Requests before the measured window (cache and touch warm-up). */
    warmupRequests: number
    /** Length of the measured load and of the idle window, in s. */
    windowSeconds: number
  }
  memory: {
    /** Records put into the MemoryTokenStore. */
    keys: number
  }
  /** Redis for the cases that need one: a private server when it can be started, else this URL. */
  redisUrl: string
  /** PostgreSQL for case 8 (`DATABASE_URL`); the case works in a schema of its own and drops it. */
  databaseUrl: string
}

export function benchSettings(mode: 'full' | 'quick'): BenchSettings {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  if (mode === 'quick') {
    return {
      mode,
      micro: { rounds: 6, warmupMs: 100, batchMs: 15 },
      http: { warmupSeconds: 1, roundSeconds: 1, rounds: 2, connections: 32, pipelining: 1 },
      revocation: { samples: 100, warmup: 10, seconds: 10 },
      redisRoundTrips: { warmupRequests: 500, windowSeconds: 1 },
      memory: { keys: 100_000 },
      redisUrl,
      databaseUrl,
    }
  }
  return {
    mode,
    micro: { rounds: 15, warmupMs: 500, batchMs: 60 },
    // Many short rounds: a burst of outside load then hits few rounds, and the median drops them.
    http: { warmupSeconds: 2, roundSeconds: 2, rounds: 10, connections: 32, pipelining: 1 },
    revocation: { samples: 1_200, warmup: 50, seconds: 180 },
    redisRoundTrips: { warmupRequests: 2_000, windowSeconds: 3 },
    memory: { keys: 1_000_000 },
    redisUrl,
    databaseUrl,
  }
}

/** What a case hands back to the runner. */
export interface CaseResult {
  section: Section
  targets: TargetResult[]
}
