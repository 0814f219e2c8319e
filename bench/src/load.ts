import autocannon from 'autocannon'

/** Options of {@link load}. */
export interface LoadOptions {
  /**
   * Whole seconds: autocannon ends runs on its one-second sampling tick, so a shorter run
   * lasts a second anyway (idle for the rest) and reports that second as its duration.
   */
  seconds: number
  connections: number
  pipelining: number
  /** Headers of every request (the Authorization header under test). */
  headers: Record<string, string>
}

/** What one autocannon run measured. */
export interface LoadResult {
  requestsPerSecond: number
  requests: number
  /** Answers other than 2xx, plus socket errors and timeouts: must be 0 for a valid run. */
  failures: number
  latencyP50Ms: number
  latencyP99Ms: number
  seconds: number
}

/** Drives `url` with autocannon for `seconds`; every request must succeed. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  if (!Number.isInteger(options.seconds) || options.seconds < 1) {
    throw new RangeError('seconds must be a whole number of at least 1')
  }
  const result = await autocannon({
    url,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.seconds,
    headers: options.headers,
  })
  const requests = result['2xx']
  return {
    requestsPerSecond: requests / result.duration,
    requests,
    failures: result.non2xx + result.errors + result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    seconds: result.duration,
  }
}
