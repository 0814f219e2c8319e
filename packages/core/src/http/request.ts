/**
 * The framework-free request and response shapes that adapters hand to the management API
 * and the OAuth endpoints, the one reading of a request body they share, and its limit.
 */
import { positiveIntegerOption } from '../lib/options.js'
import type { VerifiedKey } from '../types.js'
import type { Principal } from './principal.js'

/** A request body as an adapter could not read it. */
export interface ManagementBodyFailure {
  /** `'too_large'`: the adapter stopped reading at `maxBodyBytes` (413); `'unreadable'`: bad encoding (400). */
  readonly failure: 'too_large' | 'unreadable'
}

/**
 * What an adapter read of the request body: nothing, its text (parsed as JSON here, whatever
 * the `Content-Type`, so `curl -d` works), or why it could not be read.
 */
export type ManagementBody = string | ManagementBodyFailure | undefined

/**
 * The body limit of the management API and the OAuth endpoints when none is given, in bytes:
 * room for any JSON or form body they take, with a margin, and nothing more.
 */
export const DEFAULT_MAX_BODY_BYTES = 16_384

/**
 * The `maxBodyBytes` option of the management API and the OAuth endpoints, checked once the
 * same way for all: a positive integer of bytes (else `TypeError`), default
 * {@link DEFAULT_MAX_BODY_BYTES}.
 */
export function maxBodyBytesOption(value: unknown): number {
  return positiveIntegerOption(
    value ?? DEFAULT_MAX_BODY_BYTES,
    'maxBodyBytes',
    DEFAULT_MAX_BODY_BYTES,
  )
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * The text of a request body, decided once for every adapter of the management and OAuth
 * APIs: `bytes` as received (no body: `undefined`) and the request's `Content-Type` and
 * `Content-Encoding`. Only UTF-8 is read: a `charset` other than UTF-8, a `Content-Encoding`
 * other than `identity`, and bytes that are not valid UTF-8 are `unreadable` (400), never
 * decoded with replacement characters; more than `maxBytes` is `too_large` (413).
 */
export function bodyText(
  bytes: Uint8Array | undefined,
  headers: { contentType?: string | undefined; contentEncoding?: string | undefined },
  maxBytes: number,
): ManagementBody {
  if (bytes === undefined) return undefined
  if (bytes.byteLength > maxBytes) return { failure: 'too_large' }
  const encoding = headers.contentEncoding?.trim().toLowerCase()
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return { failure: 'unreadable' }
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(headers.contentType ?? '')?.[1]
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return { failure: 'unreadable' }
  try {
    return UTF8.decode(bytes)
  } catch {
    return { failure: 'unreadable' }
  }
}

/** The framework-free shape of a management request. */
export interface ManagementRequest {
  /** HTTP method, upper case. */
  method: string
  /** Path relative to where the API is mounted: `'/'`, `'/key_…'`, `'/key_…/rotate'`. */
  path: string
  /**
   * The query string as it came on the wire, without its `?` (`'limit=10&cursor=…'`), or
   * `undefined` when there is none: `GET /` reads its page parameters from it. Adapters
   * always give it.
   */
  query?: string
  /**
   * A request header by lower-case name, `undefined` when absent (Express's `req.get`, Hono's
   * `c.req.header`). Adapters always give it; without it (and without `apiKey`) the request
   * is unauthenticated.
   */
  header?(name: string): string | undefined
  /**
   * A caller an earlier middleware already verified (an app-wide `apiKeyAuth`). Default:
   * the API authenticates the request from its headers itself. Either way the caller is
   * re-checked right before anything is done.
   */
  apiKey?: VerifiedKey
  /**
   * The caller as the application's own login resolved it. When given, it is the caller (no
   * API key is read), `POST /token` is refused (403: a person is not a key), and
   * state-changing requests must pass the CSRF rule: `Content-Type: application/json` and a
   * same-origin `Origin` (or `Sec-Fetch-Site: same-origin`), else 403 `forbidden`. A
   * malformed principal is a `TypeError` (a bug), not an answer.
   */
  principal?: Principal
  /**
   * The request's own origin, `scheme://host[:port]`, as the client reached the server (the
   * `Host` header): what a principal's `Origin` must equal. Adapters always give it.
   */
  origin?: string
  /**
   * The address the request comes from, as the adapter decided it (the socket's peer, or
   * what trusted proxies forwarded; never a header the client controls). An API-key caller
   * with `allowedIps` is judged by it, and refused (403 `ip_not_allowed`) without it.
   * Default: none.
   */
  clientIp?: string
  body?: ManagementBody
}

/** The answer an adapter sends as is: `body` is JSON, absent for 204. */
export interface ManagementResponse {
  status: number
  headers: Record<string, string>
  body?: unknown
}
