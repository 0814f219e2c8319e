import { configDuration } from '../duration.js'
import { UnavailableError } from '../errors.js'
import { assertObject, functionOption, nowOption } from '../lib/options.js'
import type {
  SecretScanningKeySource,
  SecretScanningPublicKey,
} from './secret-scanning-signature.js'

/**
 * GitHub's published list of the keys it signs secret-scanning reports with, as a key source:
 * fetched, cached, and fetched again no more often than an unauthenticated caller could
 * otherwise make it (the endpoint is public, and every report names a key identifier).
 */

/** Where GitHub publishes the keys it signs secret-scanning reports with. */
export const GITHUB_SECRET_SCANNING_KEYS_URL =
  'https://api.github.com/meta/public_keys/secret_scanning'

/** Options of {@link githubPublicKeys}. Invalid options throw `TypeError` at once. */
export interface GitHubPublicKeysOptions {
  /** Where the key list is read. Default {@link GITHUB_SECRET_SCANNING_KEYS_URL}. */
  url?: string
  /** How long a fetched list is used before it is fetched again: seconds or `'1h'`. Default `'1h'`. */
  cacheTtl?: number | string
  /**
   * Shortest time between two fetches, whatever caused them (an unknown key identifier, an
   * expired list, a list that never loaded), so forged reports cannot make the endpoint
   * hammer GitHub: seconds or `'1m'`. Default `'1m'`. A failed fetch counts.
   */
  minRefreshInterval?: number | string
  /** Extra request headers, e.g. `authorization` with a GitHub token for a higher rate limit. Default: none. */
  headers?: Record<string, string>
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
}

/** The options, checked and with their defaults (durations in ms). */
interface KeyListConfig {
  url: string
  cacheTtl: number
  minRefreshInterval: number
  headers: Record<string, string>
  fetch: typeof fetch
  now: () => number
}

/** What a source knows of GitHub's list between calls. */
interface KeyListState {
  /** The last list fetched, and when; `undefined` until a fetch succeeds. */
  loaded: { keys: readonly SecretScanningPublicKey[]; at: number } | undefined
  /** The fetch under way, which every call meanwhile shares. */
  loading: Promise<readonly SecretScanningPublicKey[]> | undefined
  /** When the last fetch started, whether it succeeded or not: the bound counts attempts. */
  lastAttempt: number
  /** Why the last fetch failed, the cause of a 503 while no list was ever loaded. */
  lastFailure: unknown
}

/**
 * A {@link SecretScanningKeySource} reading GitHub's published key list
 * (`{ public_keys: [{ key_identifier, key }] }`), cached for `cacheTtl`. When a fetch fails
 * the last list is kept; with none, reports answer 503 and GitHub retries them. Fetches are
 * at least `minRefreshInterval` apart in every state, including before the first success:
 * reports in between are answered from the list at hand, or 503 without a fetch.
 */
export function githubPublicKeys(options: GitHubPublicKeysOptions = {}): SecretScanningKeySource {
  const config = keyListConfig(options)
  const state: KeyListState = {
    loaded: undefined,
    loading: undefined,
    lastAttempt: Number.NEGATIVE_INFINITY,
    lastFailure: undefined,
  }
  return { keys: ({ refresh = false } = {}) => currentKeys(config, state, refresh) }
}

function keyListConfig(options: GitHubPublicKeysOptions): KeyListConfig {
  assertObject(options)
  const url = options.url ?? GITHUB_SECRET_SCANNING_KEYS_URL
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new TypeError('url must be an http(s) URL')
  }
  return {
    url,
    cacheTtl: configDuration(options.cacheTtl, 'cacheTtl', 3_600_000),
    minRefreshInterval: configDuration(options.minRefreshInterval, 'minRefreshInterval', 60_000),
    fetch: functionOption(options.fetch ?? globalThis.fetch, 'fetch', globalThis.fetch),
    now: nowOption(options.now ?? Date.now),
    headers: { accept: 'application/json', ...options.headers },
  }
}

/**
 * The keys for one call: the list at hand while it is fresh (and no refresh is asked for) or
 * while the last fetch is too recent; the fetch under way; a new fetch; or, when no list was
 * ever loaded and the last attempt is too recent, a 503 without one.
 */
function currentKeys(
  config: KeyListConfig,
  state: KeyListState,
  refresh: boolean,
): Promise<readonly SecretScanningPublicKey[]> {
  const at = config.now()
  const mayFetch = at - state.lastAttempt >= config.minRefreshInterval
  if (state.loaded !== undefined) {
    const fresh = at - state.loaded.at < config.cacheTtl
    if (!mayFetch || (fresh && !refresh)) return Promise.resolve(state.loaded.keys)
  } else if (!mayFetch) {
    return state.loading ?? Promise.reject(listUnavailable(state.lastFailure))
  }
  state.loading ??= fetchKeyList(config, state).finally(() => {
    state.loading = undefined
  })
  return state.loading
}

/** Fetches the list; on failure keeps the last one, or rejects with 503 when there is none. */
async function fetchKeyList(
  config: KeyListConfig,
  state: KeyListState,
): Promise<readonly SecretScanningPublicKey[]> {
  state.lastAttempt = config.now()
  try {
    const response = await config.fetch(config.url, { headers: config.headers })
    if (!response.ok) throw new Error(`${config.url} answered ${response.status}`)
    const keys = parseKeyList(await response.json())
    state.loaded = { keys, at: config.now() }
    return keys
  } catch (error) {
    if (state.loaded) return state.loaded.keys
    state.lastFailure = error
    throw listUnavailable(error)
  }
}

function listUnavailable(cause: unknown): UnavailableError {
  return new UnavailableError('The list of secret-scanning public keys cannot be loaded.', {
    cause,
  })
}

function parseKeyList(json: unknown): SecretScanningPublicKey[] {
  const list = (json as { public_keys?: unknown } | null)?.public_keys
  if (!Array.isArray(list)) throw new Error('the key list has no public_keys array')
  return list.flatMap((entry: { key_identifier?: unknown; key?: unknown } | null) =>
    typeof entry?.key_identifier === 'string' && typeof entry.key === 'string'
      ? [{ keyIdentifier: entry.key_identifier, key: entry.key }]
      : [],
  )
}
