import { configDuration } from '../duration.js'
import {
  errorResponse,
  InvalidArgumentError,
  InvalidSignatureError,
  KeywardError,
  RequestTooLargeError,
  UnavailableError,
} from '../errors.js'
import type { Keyward } from '../keyward.js'
import { assertObject, functionOption, nowOption, positiveIntegerOption } from '../lib/options.js'
import { assertPrefix, CHECKSUM_LENGTH, SECRET_LENGTH } from '../token/token.js'
import { fromBackend } from '../unavailable.js'

/**
 * GitHub's secret-scanning partner endpoint, framework-free: GitHub posts the tokens it found
 * in public code, signed with ECDSA P-256 / SHA-256; every live one is revoked at once. Web
 * Crypto only, so it runs wherever core runs.
 */

/** Where GitHub publishes the keys it signs secret-scanning reports with. */
export const GITHUB_SECRET_SCANNING_KEYS_URL =
  'https://api.github.com/meta/public_keys/secret_scanning'

/** One public key reports are signed with. */
export interface SecretScanningPublicKey {
  /** GitHub's `key_identifier`: what the `Github-Public-Key-Identifier` header names. */
  keyIdentifier: string
  /** The ECDSA P-256 public key as PEM (`-----BEGIN PUBLIC KEY-----`, SPKI), as GitHub lists it. */
  key: string
}

/** Supplies public keys, for instance by fetching GitHub's list ({@link githubPublicKeys}). */
export interface SecretScanningKeySource {
  /**
   * The keys to check signatures with. `refresh: true` when a report names an identifier not
   * among the keys last returned (GitHub rotated its key): a source may then load them again.
   */
  keys(options?: { refresh?: boolean }): Promise<readonly SecretScanningPublicKey[]>
}

/** Options of {@link createSecretScanningHandler}. Invalid options throw `TypeError` at once. */
export interface SecretScanningOptions {
  /**
   * The keys reports must be signed with: a fixed list, or a source such as
   * {@link githubPublicKeys} that fetches GitHub's list. Required.
   */
  publicKeys: readonly SecretScanningPublicKey[] | SecretScanningKeySource
  /** Largest report body, in bytes; larger ones answer 413. Default `1_048_576` (1 MiB). */
  maxBodyBytes?: number
  /** Recorded as `reporter` in each `leaked` audit event. Default `'github'`. */
  reporter?: string
}

/** A report as an adapter read it. Header values are passed as received (or absent). */
export interface SecretScanningRequest {
  /**
   * The raw body, byte for byte as it arrived (the signature covers these bytes), or why an
   * adapter could not read it: `'too_large'` past `maxBodyBytes` (413), `'unreadable'` (400).
   */
  body: Uint8Array | string | { readonly failure: 'too_large' | 'unreadable' }
  /** The `Github-Public-Key-Identifier` header. */
  keyIdentifier: string | null | undefined
  /** The `Github-Public-Key-Signature` header: base64 of a DER-encoded ECDSA signature. */
  signature: string | null | undefined
}

/** One entry of the answer GitHub expects, per reported token. */
export interface SecretScanningResult {
  /** Hex SHA-256 of the reported token (never the token itself). */
  token_hash: string
  /** The `type` GitHub reported the token under. */
  token_type: string
  /** `true_positive` for a token of a stored key (now revoked), else `false_positive`. */
  label: 'true_positive' | 'false_positive'
}

/** The answer an adapter sends as is: JSON `body`. */
export interface SecretScanningResponse {
  status: number
  headers: Record<string, string>
  /** `SecretScanningResult[]` on 200, a problem document otherwise. */
  body: unknown
}

/** The endpoint, built once by {@link createSecretScanningHandler}. */
export interface SecretScanningHandler {
  /** The body limit adapters apply while reading, in bytes. */
  readonly maxBodyBytes: number
  /**
   * Answers one report: 200 with a {@link SecretScanningResult} per token; 401
   * `invalid_signature` (nothing revoked) when the signature is missing, names an unknown key
   * or does not verify; 422 for a body that is not GitHub's format; 503 when the key list or
   * the store cannot answer (GitHub retries; revocation is idempotent).
   */
  handle(request: SecretScanningRequest): Promise<SecretScanningResponse>
}

const encoder = new TextEncoder()

/** Web Crypto's key type, named through `crypto.subtle` so that Node's typings (no DOM lib) find it too. */
type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

/**
 * Builds the secret-scanning endpoint over `keyward.keys.reportLeak`: verifies GitHub's
 * signature over the raw body, then for each reported token finds its key by hash, revokes it
 * everywhere if it is live, emits a `leaked` audit event with the reported `url` and `source`,
 * and labels it `true_positive`; tokens that are malformed or unknown are `false_positive`.
 */
export function createSecretScanningHandler<S extends string>(
  keyward: Keyward<S>,
  options: SecretScanningOptions,
): SecretScanningHandler {
  assertObject(options)
  const source = keySource(options.publicKeys)
  const maxBodyBytes = positiveIntegerOption(
    options.maxBodyBytes ?? 1_048_576,
    'maxBodyBytes',
    1_048_576,
  )
  const reporter = options.reporter ?? 'github'
  if (typeof reporter !== 'string' || reporter === '') {
    throw new TypeError('reporter must be a non-empty string')
  }
  // Imported once per key; a new PEM under the same identifier is imported again.
  const imported = new Map<string, { pem: string; key: Promise<CryptoKey> }>()
  const cryptoKey = (entry: SecretScanningPublicKey): Promise<CryptoKey> => {
    const known = imported.get(entry.keyIdentifier)
    if (known?.pem === entry.key) return known.key
    const key = importPublicKey(entry.key)
    imported.set(entry.keyIdentifier, { pem: entry.key, key })
    key.catch(() => imported.delete(entry.keyIdentifier))
    return key
  }

  const publicKey = async (identifier: string): Promise<CryptoKey> => {
    const find = (keys: readonly SecretScanningPublicKey[]) =>
      keys.find((entry) => entry.keyIdentifier === identifier)
    const entry = find(await loadKeys(source, false)) ?? find(await loadKeys(source, true))
    if (!entry) throw new InvalidSignatureError('The report is signed with an unknown public key.')
    return fromBackend(
      () => cryptoKey(entry),
      'The public key of this report could not be imported.',
    )
  }

  const verifySignature = async (request: SecretScanningRequest, body: Uint8Array) => {
    const { keyIdentifier, signature } = request
    if (typeof keyIdentifier !== 'string' || keyIdentifier.trim() === '') {
      throw new InvalidSignatureError('The Github-Public-Key-Identifier header is missing.')
    }
    if (typeof signature !== 'string' || signature.trim() === '') {
      throw new InvalidSignatureError('The Github-Public-Key-Signature header is missing.')
    }
    const raw = rawSignature(signature.trim())
    if (!raw) {
      throw new InvalidSignatureError(
        'The Github-Public-Key-Signature header is not a base64 DER ECDSA signature.',
      )
    }
    const key = await publicKey(keyIdentifier.trim())
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      raw,
      body as Uint8Array<ArrayBuffer>,
    )
    if (!valid) throw new InvalidSignatureError('The report signature does not verify.')
  }

  return Object.freeze({
    maxBodyBytes,
    async handle(request: SecretScanningRequest): Promise<SecretScanningResponse> {
      try {
        const body = bodyBytes(request.body, maxBodyBytes)
        await verifySignature(request, body)
        const matches = parseReport(body)
        const results: SecretScanningResult[] = []
        // One at a time: the same token twice in a batch is revoked once, and labelled alike.
        for (const match of matches) {
          const outcome = await keyward.keys.reportLeak(match.token, {
            ...(match.url === undefined ? {} : { url: match.url }),
            ...(match.source === undefined ? {} : { source: match.source }),
            reporter,
          })
          results.push({
            token_hash: await sha256Hex(match.token),
            token_type: match.type,
            label: outcome ? 'true_positive' : 'false_positive',
          })
        }
        return {
          status: 200,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
          },
          body: results,
        }
      } catch (error) {
        if (!(error instanceof KeywardError)) throw error
        const { status, headers, body } = errorResponse(error)
        return { status, headers: { ...headers, 'cache-control': 'no-store' }, body }
      }
    },
  })
}

/** Options of {@link githubPublicKeys}. Invalid options throw `TypeError` at once. */
export interface GitHubPublicKeysOptions {
  /** Where the key list is read. Default {@link GITHUB_SECRET_SCANNING_KEYS_URL}. */
  url?: string
  /** How long a fetched list is used before it is fetched again: seconds or `'1h'`. Default `'1h'`. */
  cacheTtl?: number | string
  /**
   * Shortest time between two fetches caused by unknown key identifiers, so forged reports
   * cannot make the endpoint hammer GitHub: seconds or `'1m'`. Default `'1m'`.
   */
  minRefreshInterval?: number | string
  /** Extra request headers, e.g. `authorization` with a GitHub token for a higher rate limit. Default: none. */
  headers?: Record<string, string>
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
}

/**
 * A {@link SecretScanningKeySource} reading GitHub's published key list
 * (`{ public_keys: [{ key_identifier, key }] }`), cached for `cacheTtl`. When a fetch fails
 * the last list is kept; with none, reports answer 503 and GitHub retries them.
 */
export function githubPublicKeys(options: GitHubPublicKeysOptions = {}): SecretScanningKeySource {
  assertObject(options)
  const url = options.url ?? GITHUB_SECRET_SCANNING_KEYS_URL
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new TypeError('url must be an http(s) URL')
  }
  const ttl = configDuration(options.cacheTtl, 'cacheTtl', 3_600_000)
  const minRefresh = configDuration(options.minRefreshInterval, 'minRefreshInterval', 60_000)
  const fetcher = functionOption(options.fetch ?? globalThis.fetch, 'fetch', globalThis.fetch)
  const now = nowOption(options.now ?? Date.now)
  const headers = { accept: 'application/json', ...options.headers }

  let cached: { keys: readonly SecretScanningPublicKey[]; at: number } | undefined
  let loading: Promise<readonly SecretScanningPublicKey[]> | undefined
  let lastFetch = Number.NEGATIVE_INFINITY

  const load = async (): Promise<readonly SecretScanningPublicKey[]> => {
    lastFetch = now()
    try {
      const response = await fetcher(url, { headers })
      if (!response.ok) throw new Error(`${url} answered ${response.status}`)
      const keys = parseKeyList(await response.json())
      cached = { keys, at: now() }
      return keys
    } catch (error) {
      if (cached) return cached.keys
      throw new UnavailableError('The list of secret-scanning public keys cannot be loaded.', {
        cause: error,
      })
    }
  }

  return {
    keys({ refresh = false } = {}) {
      const at = now()
      const fresh = cached !== undefined && at - cached.at < ttl
      const mayRefresh = at - lastFetch >= minRefresh
      if (cached && (fresh || !mayRefresh) && !(refresh && mayRefresh)) {
        return Promise.resolve(cached.keys)
      }
      loading ??= load().finally(() => {
        loading = undefined
      })
      return loading
    },
  }
}

/**
 * The regular expression to register with GitHub for tokens of `prefix`: the prefix, `_`,
 * 32 base62 characters of secret and 6 of checksum, not run together with other letters or
 * digits. Capture group 1 is the token. For `kw_live`:
 * `(?:^|[^0-9A-Za-z])(kw_live_[0-9A-Za-z]{32}[0-9A-Za-z]{6})(?:[^0-9A-Za-z]|$)`.
 * Throws `TypeError` for an invalid prefix.
 */
export function secretScanningPattern(prefix: string): string {
  assertPrefix(prefix)
  return `(?:^|[^0-9A-Za-z])(${prefix}_[0-9A-Za-z]{${SECRET_LENGTH}}[0-9A-Za-z]{${CHECKSUM_LENGTH}})(?:[^0-9A-Za-z]|$)`
}

interface ReportedMatch {
  token: string
  type: string
  url?: string
  source?: string
}

function keySource(
  publicKeys: SecretScanningOptions['publicKeys'] | undefined,
): SecretScanningKeySource {
  if (Array.isArray(publicKeys)) {
    const keys = publicKeys.map((entry, i) => {
      if (
        entry === null ||
        typeof entry !== 'object' ||
        typeof entry.keyIdentifier !== 'string' ||
        entry.keyIdentifier === '' ||
        typeof entry.key !== 'string' ||
        pemBody(entry.key) === undefined
      ) {
        throw new TypeError(
          `publicKeys[${i}] must be { keyIdentifier, key } with key a PEM public key`,
        )
      }
      return { keyIdentifier: entry.keyIdentifier, key: entry.key }
    })
    if (keys.length === 0) throw new TypeError('publicKeys must not be empty')
    return { keys: () => Promise.resolve(keys) }
  }
  if (typeof (publicKeys as SecretScanningKeySource | undefined)?.keys !== 'function') {
    throw new TypeError('publicKeys must be an array of public keys or a source with keys()')
  }
  return publicKeys as SecretScanningKeySource
}

async function loadKeys(
  source: SecretScanningKeySource,
  refresh: boolean,
): Promise<readonly SecretScanningPublicKey[]> {
  return fromBackend(
    () => source.keys(refresh ? { refresh } : undefined),
    'The secret-scanning public keys cannot be loaded.',
  )
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

function bodyBytes(body: SecretScanningRequest['body'], maxBytes: number): Uint8Array {
  if (typeof body === 'string') {
    const bytes = encoder.encode(body)
    if (bytes.length > maxBytes) throw new RequestTooLargeError(maxBytes)
    return bytes
  }
  if (body instanceof Uint8Array) {
    if (body.length > maxBytes) throw new RequestTooLargeError(maxBytes)
    return body
  }
  if (body?.failure === 'too_large') throw new RequestTooLargeError(maxBytes)
  throw new InvalidArgumentError('body', 'The report body could not be read.')
}

function parseReport(body: Uint8Array): ReportedMatch[] {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new InvalidArgumentError('body', 'The report body is not JSON.')
  }
  if (!Array.isArray(json)) {
    throw new InvalidArgumentError('body', 'The report body must be a JSON array of matches.')
  }
  return json.map((entry: Record<string, unknown> | null, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new InvalidArgumentError(`body[${i}]`, `body[${i}] must be an object.`)
    }
    for (const field of ['token', 'type'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        throw new InvalidArgumentError(
          `body[${i}].${field}`,
          `body[${i}].${field} must be a non-empty string.`,
        )
      }
    }
    const match: ReportedMatch = { token: entry.token as string, type: entry.type as string }
    if (typeof entry.url === 'string') match.url = entry.url
    if (typeof entry.source === 'string') match.source = entry.source
    return match
  })
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0')
  return hex
}

function pemBody(pem: string): Uint8Array<ArrayBuffer> | undefined {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem)
  if (!match) return undefined
  return base64Bytes(match[1]!.replace(/\s+/g, ''))
}

function importPublicKey(pem: string): Promise<CryptoKey> {
  const der = pemBody(pem)
  if (!der) return Promise.reject(new TypeError('key must be a PEM public key'))
  return crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ])
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * GitHub signs with ASN.1 DER (`SEQUENCE { INTEGER r, INTEGER s }`); Web Crypto verifies the
 * IEEE P1363 form, `r || s` with each 32 bytes. `undefined` for anything else.
 */
function rawSignature(base64: string): Uint8Array<ArrayBuffer> | undefined {
  const der = base64Bytes(base64)
  if (!der || der.length < 8 || der[0] !== 0x30) return undefined
  let offset = 2
  let length = der[1]!
  if (length === 0x81) {
    length = der[2]!
    offset = 3
  } else if (length > 0x7f) return undefined
  if (offset + length !== der.length) return undefined
  const raw = new Uint8Array(64)
  for (const half of [0, 1]) {
    if (der[offset] !== 0x02) return undefined
    const size = der[offset + 1]!
    const start = offset + 2
    if (size === 0 || size > 33 || start + size > der.length) return undefined
    let integer = der.subarray(start, start + size)
    while (integer.length > 0 && integer[0] === 0) integer = integer.subarray(1)
    if (integer.length > 32) return undefined
    raw.set(integer, half * 32 + 32 - integer.length)
    offset = start + size
  }
  return offset === der.length ? raw : undefined
}
