import { UnavailableError } from '../errors.js'
import { assertObject, functionOption, positiveIntegerOption } from '../lib/options.js'
import type { KeyRecord, TokenStore } from '../types.js'
import {
  PollingRevocationList,
  type PollingRevocationListOptions,
  readPage,
} from './polling-revocation-list.js'
import type { RevocationFeedPage } from './revocation-feed.js'

/** Where an edge instance reaches its origin: options of {@link originStore} and {@link originList}. */
export interface OriginOptions {
  /**
   * The URL the origin mounts its management API at, e.g. `https://api.example.com/api-keys`:
   * the edge routes are `<url>/edge/changes` and `<url>/edge/lookup`. The origin must be built
   * with `createManagementApi(keyward, { edge: { secret } })` (`apiKeysRouter` passes it on).
   */
  url: string
  /** The origin's `edge.secret`, sent as the `Keyward-Edge-Secret` header. At least 32 characters. */
  secret: string
  /**
   * How long, in ms, one call to the origin may take before it counts as failed (the store
   * answers 503, a poll counts as no contact). A positive integer. Default `2_000`.
   */
  timeout?: number
  /** The `fetch` to call. Default: the global one. */
  fetch?: typeof fetch
}

/** An {@link OriginOptions} checked once, with the mount's URL normalised. */
interface Origin {
  readonly base: string
  readonly headers: Record<string, string>
  readonly timeout: number
  readonly fetch: typeof fetch
}

function originOf(options: unknown): Origin {
  assertObject(options)
  const { url, secret, timeout, fetch: fetchOption } = options as Partial<OriginOptions>
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new TypeError('url must be the http(s) URL the origin mounts its management API at')
  }
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new TypeError("secret must be the origin's edge.secret (at least 32 characters)")
  }
  const call = functionOption(fetchOption, 'fetch') ?? globalThis.fetch.bind(globalThis)
  return {
    base: url.replace(/\/+$/, ''),
    headers: { 'keyward-edge-secret': secret, accept: 'application/json' },
    timeout: positiveIntegerOption(timeout, 'timeout', 2_000, 'milliseconds'),
    fetch: call as typeof fetch,
  }
}

/**
 * One call to the origin within its timeout: the answer's JSON for 200, `undefined` for 404,
 * else an `UnavailableError` (nothing the origin says otherwise is trusted).
 */
async function ask(origin: Origin, path: string, init: RequestInit = {}): Promise<unknown> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), origin.timeout)
  try {
    const response = await origin.fetch(`${origin.base}${path}`, {
      ...init,
      headers: { ...origin.headers, ...(init.headers as Record<string, string> | undefined) },
      signal: controller.signal,
    })
    if (response.status === 404) {
      await response.body?.cancel()
      return undefined
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new UnavailableError(`The origin answered ${response.status} to ${path}.`)
    }
    return await response.json()
  } catch (error) {
    if (error instanceof UnavailableError) throw error
    throw new UnavailableError(
      controller.signal.aborted
        ? `The origin did not answer ${path} within ${origin.timeout} ms.`
        : `The origin could not be reached for ${path}.`,
      { cause: error },
    )
  } finally {
    clearTimeout(timer)
  }
}

/** Refuses what an edge store does not do: writes happen at the origin. */
function atTheOrigin(): Promise<never> {
  return Promise.reject(
    new TypeError('originStore only reads keys by digest: create and change keys at the origin'),
  )
}

/**
 * A {@link TokenStore} for edge handlers that reads keys from the origin's management API
 * (`POST <url>/edge/lookup`) with nothing but `fetch`: `findByHash` asks for the key whose hash
 * is the digest of the presented token; the verifier caches what it learns, so only misses
 * reach the network. A failed or slow call (past `timeout`) rejects with `UnavailableError`,
 * so `verify` answers 503 rather than guessing. It only reads: `get` (used for access tokens'
 * parent keys and re-checks), listing and writes reject; `touch` does nothing (last use is
 * recorded at the origin).
 *
 * @example
 * const keyward = createKeyward({
 *   scopes, prefix: 'kw_live',
 *   store: originStore({ url: env.ORIGIN_URL, secret: env.EDGE_SECRET }),
 *   revocations: originList({ url: env.ORIGIN_URL, secret: env.EDGE_SECRET }),
 * })
 */
export function originStore(options: OriginOptions): TokenStore {
  const origin = originOf(options)
  return {
    async findByHash(hash) {
      const answer = (await ask(origin, '/edge/lookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ digest: hash }),
      })) as { key?: Omit<KeyRecord, 'hash'> } | undefined
      if (answer === undefined) return undefined
      const key = answer.key
      if (key === null || typeof key !== 'object' || typeof key.id !== 'string') {
        throw new UnavailableError('The origin answered /edge/lookup with no key record.')
      }
      return { ...key, hash }
    },
    get: () =>
      Promise.reject(
        new UnavailableError('originStore reads keys by digest only: this needs the origin.'),
      ),
    listByOwner: atTheOrigin,
    insert: atTheOrigin,
    update: atTheOrigin,
    delete: atTheOrigin,
    touch: async () => {},
  }
}

/**
 * A {@link PollingRevocationList} over the origin's revocation feed (`GET
 * <url>/edge/changes?since=`), with nothing but `fetch`: at most one call per `pollInterval`,
 * made by whichever request finds the list due; past `maxStaleness` without an answer it fails
 * closed (503). See `PollingRevocationList` for the bound.
 */
export function originList(
  options: OriginOptions & PollingRevocationListOptions,
): PollingRevocationList {
  const origin = originOf(options)
  const { pollInterval, maxStaleness, now, onError } = options
  return new PollingRevocationList(
    {
      async changes(since): Promise<RevocationFeedPage> {
        const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`
        return readPage(await ask(origin, `/edge/changes${query}`))
      },
    },
    {
      ...(pollInterval === undefined ? {} : { pollInterval }),
      ...(maxStaleness === undefined ? {} : { maxStaleness }),
      ...(now === undefined ? {} : { now }),
      ...(onError === undefined ? {} : { onError }),
    },
  )
}
