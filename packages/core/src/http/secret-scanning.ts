import {
  errorResponse,
  InvalidArgumentError,
  KeywardError,
  RequestTooLargeError,
} from '../errors.js'
import type { Keyward } from '../keyward.js'
import { assertObject, positiveIntegerOption } from '../lib/options.js'
import { assertPrefix, CHECKSUM_LENGTH, SECRET_LENGTH } from '../token/token.js'
import {
  createReportSignatureCheck,
  keySourceOption,
  type SecretScanningKeySource,
  type SecretScanningPublicKey,
} from './secret-scanning-signature.js'

/**
 * GitHub's secret-scanning partner endpoint, framework-free: GitHub posts the tokens it found
 * in public code, signed with ECDSA P-256 / SHA-256 (checked in `secret-scanning-signature.ts`);
 * every live one is revoked at once. Web Crypto only, so it runs wherever core runs.
 */

/** Options of {@link createSecretScanningHandler}. Invalid options throw `TypeError` at once. */
export interface SecretScanningOptions {
  /**
   * The keys reports must be signed with: a fixed list, or a source such as
   * `githubPublicKeys()` that fetches GitHub's list. Required.
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

/** The default of `maxBodyBytes`: 1 MiB, far above a batch GitHub sends. */
const DEFAULT_REPORT_BYTES = 1_048_576

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
  const checkSignature = createReportSignatureCheck(keySourceOption(options.publicKeys))
  const maxBodyBytes = positiveIntegerOption(
    options.maxBodyBytes ?? DEFAULT_REPORT_BYTES,
    'maxBodyBytes',
    DEFAULT_REPORT_BYTES,
  )
  const reporter = options.reporter ?? 'github'
  if (typeof reporter !== 'string' || reporter === '') {
    throw new TypeError('reporter must be a non-empty string')
  }

  return Object.freeze({
    maxBodyBytes,
    async handle(request: SecretScanningRequest): Promise<SecretScanningResponse> {
      try {
        const body = bodyBytes(request.body, maxBodyBytes)
        await checkSignature(request.keyIdentifier, request.signature, body)
        return resultsResponse(await reportLeaks(keyward, parseReport(body), reporter))
      } catch (error) {
        if (!(error instanceof KeywardError)) throw error
        const { status, headers, body } = errorResponse(error)
        return { status, headers: { ...headers, 'cache-control': 'no-store' }, body }
      }
    },
  })
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

/**
 * Reports each match to the lifecycle (which revokes a live key and emits `leaked`) and labels
 * it. One at a time: the same token twice in a batch is revoked once, and labelled alike.
 */
async function reportLeaks<S extends string>(
  keyward: Keyward<S>,
  matches: readonly ReportedMatch[],
  reporter: string,
): Promise<SecretScanningResult[]> {
  const results: SecretScanningResult[] = []
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
  return results
}

function resultsResponse(results: SecretScanningResult[]): SecretScanningResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: results,
  }
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
  return json.map(reportedMatch)
}

function reportedMatch(entry: Record<string, unknown> | null, i: number): ReportedMatch {
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
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0')
  return hex
}
