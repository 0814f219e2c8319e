/**
 * Every failure Keyward reports is a {@link KeywardError}. It carries its HTTP meaning
 * (`status`, the RFC 6750 `WWW-Authenticate` challenge) so adapters need no mapping table,
 * and a `message` that is safe to show: it never contains a token.
 */

/** Every code a {@link KeywardError} can carry; `switch (err.code)` over it is exhaustive. */
export type KeywardErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'malformed_token'
  | 'unknown_token'
  | 'expired_token'
  | 'revoked_token'
  | 'insufficient_scope'
  | 'unavailable'
  | 'invalid_argument'
  | 'not_found'
  | 'request_too_large'
  | 'key_inactive'
  | 'forbidden'
  | 'invalid_signature'
  | 'rate_limited'
  | 'usage_exceeded'

/** The codes of a token that was presented but does not authenticate (401, `invalid_token`). */
export type InvalidTokenCode =
  | 'malformed_token'
  | 'unknown_token'
  | 'expired_token'
  | 'revoked_token'

/** Options every {@link KeywardError} accepts. */
export interface KeywardErrorOptions {
  /** The underlying error, kept for logs; never rendered into a response. */
  cause?: unknown
  /** The `realm` of the `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string
}

/** The `realm` used in challenges when none is configured. */
export const DEFAULT_REALM = 'api'

/**
 * Keeps only the characters RFC 6750 §3 allows inside a quoted challenge attribute
 * (`%x20-21 / %x23-5B / %x5D-7E`), so a header value can never be broken or injected into.
 */
export function challengeValue(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')
}

function challenge(realm: string, attributes: Record<string, string> = {}): string {
  const parts = [`realm="${challengeValue(realm)}"`]
  for (const [name, value] of Object.entries(attributes))
    parts.push(`${name}="${challengeValue(value)}"`)
  return `Bearer ${parts.join(', ')}`
}

const StackLimited = Error as ErrorConstructor & { stackTraceLimit?: number }

/** The base of every error Keyward throws or rejects with. */
export class KeywardError extends Error {
  /** What went wrong, machine-readable. */
  readonly code: KeywardErrorCode
  /** The HTTP status an adapter answers with. */
  readonly status: number
  /** The `WWW-Authenticate` header value to send, when this failure carries a challenge. */
  readonly wwwAuthenticate: string | undefined

  /**
   * Whether instances capture a stack trace. The failures a client causes on every bad
   * request (missing, malformed, unknown, expired, revoked token, missing scope) do not:
   * they are answers, not bugs, and capturing frames was most of their cost, which matters
   * when an API is flooded with garbage tokens.
   */
  static readonly captureStack: boolean = true

  constructor(
    code: KeywardErrorCode,
    status: number,
    message: string,
    wwwAuthenticate?: string,
    options: KeywardErrorOptions = {},
  ) {
    // `stackTraceLimit` is V8's and JavaScriptCore's; elsewhere stacks are simply kept.
    const limit = StackLimited.stackTraceLimit
    const quiet = !(new.target as typeof KeywardError).captureStack && typeof limit === 'number'
    if (quiet) StackLimited.stackTraceLimit = 0
    try {
      super(message, options.cause === undefined ? undefined : { cause: options.cause })
    } finally {
      if (quiet) StackLimited.stackTraceLimit = limit
    }
    this.name = new.target.name
    this.code = code
    this.status = status
    this.wwwAuthenticate = wwwAuthenticate
  }

  /** Headers added with {@link KeywardError.addHeaders}. */
  #added: Record<string, string> | undefined

  /**
   * Adds response headers to this error's answer (the `RateLimit-Policy` of a limited key
   * refused for another reason). Names in lower case. Returns the error.
   */
  addHeaders(headers: Record<string, string>): this {
    this.#added = { ...this.#added, ...headers }
    return this
  }

  /** Every response header of this error's answer: {@link KeywardError.headers} and the added ones. */
  responseHeaders(): Record<string, string> {
    return this.#added === undefined ? this.headers() : { ...this.headers(), ...this.#added }
  }

  /** Extra response headers besides `WWW-Authenticate` (for example `Retry-After`). */
  headers(): Record<string, string> {
    const headers: Record<string, string> = {}
    if (this.wwwAuthenticate !== undefined) headers['www-authenticate'] = this.wwwAuthenticate
    return headers
  }
}

/** No credential was presented (401, a bare `Bearer realm` challenge). */
export class MissingTokenError extends KeywardError {
  static override readonly captureStack = false

  constructor(options: KeywardErrorOptions = {}) {
    super(
      'missing_token',
      401,
      'No API key was presented.',
      challenge(options.realm ?? DEFAULT_REALM),
      options,
    )
  }
}

/** The request carrying the credential is itself wrong: bad `Authorization`, two credentials, malformed JSON (400). */
export class InvalidRequestError extends KeywardError {
  static override readonly captureStack = false

  constructor(message: string, options: KeywardErrorOptions = {}) {
    super(
      'invalid_request',
      400,
      message,
      challenge(options.realm ?? DEFAULT_REALM, {
        error: 'invalid_request',
        error_description: message,
      }),
      options,
    )
  }
}

/** A token was presented but does not authenticate: malformed, unknown, expired or revoked (401). */
export class InvalidTokenError extends KeywardError {
  static override readonly captureStack = false

  declare readonly code: InvalidTokenCode

  constructor(code: InvalidTokenCode, message: string, options: KeywardErrorOptions = {}) {
    super(
      code,
      401,
      message,
      challenge(options.realm ?? DEFAULT_REALM, {
        error: 'invalid_token',
        error_description: message,
      }),
      options,
    )
  }
}

/** The token is valid but lacks a required scope (403). */
export class InsufficientScopeError extends KeywardError {
  static override readonly captureStack = false

  declare readonly code: 'insufficient_scope'
  /** The scopes the request required. */
  readonly requiredScopes: readonly string[]
  /** The required scopes the key does not hold (for `any` semantics: all of them). */
  readonly missingScopes: readonly string[]

  constructor(
    requiredScopes: readonly string[],
    missingScopes: readonly string[],
    options: KeywardErrorOptions & { any?: boolean } = {},
  ) {
    const message = options.any
      ? `The API key needs one of these scopes: ${missingScopes.join(', ')}.`
      : `The API key lacks the scope${missingScopes.length === 1 ? '' : 's'} ${missingScopes.join(', ')}.`
    super(
      'insufficient_scope',
      403,
      message,
      challenge(options.realm ?? DEFAULT_REALM, {
        error: 'insufficient_scope',
        error_description: message,
        scope: requiredScopes.join(' '),
      }),
      options,
    )
    this.requiredScopes = requiredScopes
    this.missingScopes = missingScopes
  }
}

/** A backend (store, revocation list) cannot answer, and Keyward fails closed (503). */
export class UnavailableError extends KeywardError {
  declare readonly code: 'unavailable'
  /** Seconds a client should wait before retrying; sent as `Retry-After`. */
  readonly retryAfter: number

  constructor(message: string, options: KeywardErrorOptions & { retryAfter?: number } = {}) {
    super('unavailable', 503, message, undefined, options)
    this.retryAfter = options.retryAfter ?? 5
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfter) }
  }
}

/** Lifecycle input is invalid; `field` names what was wrong (422 in management routes). */
export class InvalidArgumentError extends KeywardError {
  declare readonly code: 'invalid_argument'
  /** The input field that was wrong, e.g. `'expiresAt'` or `'scopes[1]'`. */
  readonly field: string

  constructor(field: string, message: string, options: KeywardErrorOptions = {}) {
    super('invalid_argument', 422, message, undefined, options)
    this.field = field
  }
}

/** The key does not exist, or belongs to another owner (404 in management routes). */
export class NotFoundError extends KeywardError {
  declare readonly code: 'not_found'

  constructor(message = 'No such API key.', options: KeywardErrorOptions = {}) {
    super('not_found', 404, message, undefined, options)
  }
}

/** A request body is larger than the configured limit (413). */
export class RequestTooLargeError extends KeywardError {
  declare readonly code: 'request_too_large'

  constructor(limit: number, options: KeywardErrorOptions = {}) {
    super('request_too_large', 413, `The request body exceeds ${limit} bytes.`, undefined, options)
  }
}

/**
 * `update` or `rotate` of a key that is revoked, expired or already replaced by rotation
 * (409 in management routes): a grace deadline is never undone, and a key has at most one
 * successor.
 */
export class KeyInactiveError extends KeywardError {
  declare readonly code: 'key_inactive'
  /** Why the key is inactive. */
  readonly keyStatus: 'expired' | 'revoked' | 'rotated'

  constructor(status: 'expired' | 'revoked' | 'rotated', options: KeywardErrorOptions = {}) {
    const why = {
      expired: 'The API key has expired',
      revoked: 'The API key has been revoked',
      rotated: 'The API key has been replaced by rotation',
    }[status]
    super(
      'key_inactive',
      409,
      `${why}; it can no longer be changed or rotated.`,
      undefined,
      options,
    )
    this.keyStatus = status
  }
}

/** The caller is authenticated but may not do this (403), e.g. a key changing its own expiry or scopes. */
export class ForbiddenError extends KeywardError {
  declare readonly code: 'forbidden'

  constructor(message: string, options: KeywardErrorOptions = {}) {
    super('forbidden', 403, message, undefined, options)
  }
}

/**
 * A signed request (a GitHub secret-scanning report) carries no signature, names an unknown
 * key, or its signature does not verify (401, no `WWW-Authenticate`: this is no bearer token).
 */
export class InvalidSignatureError extends KeywardError {
  static override readonly captureStack = false

  declare readonly code: 'invalid_signature'

  constructor(message: string, options: KeywardErrorOptions = {}) {
    super('invalid_signature', 401, message, undefined, options)
  }
}

/**
 * A key with limits is over one of its rate limits (`rate_limited`) or out of credits
 * (`usage_exceeded`): 429, with `Retry-After` (when waiting helps) and the IETF
 * `RateLimit-Policy` / `RateLimit` headers. Nothing was charged for the refused request.
 */
export class RateLimitedError extends KeywardError {
  static override readonly captureStack = false

  declare readonly code: 'rate_limited' | 'usage_exceeded'
  /** Seconds until the refusing limit frees up; `undefined` for credits that never refill. */
  readonly retryAfter: number | undefined
  /** The `RateLimit-Policy` header value. */
  readonly policy: string
  /** The `RateLimit` header value. */
  readonly state: string

  constructor(
    code: 'rate_limited' | 'usage_exceeded',
    limits: { retryAfter: number | undefined; policy: string; state: string },
    options: KeywardErrorOptions = {},
  ) {
    super(
      code,
      429,
      code === 'rate_limited'
        ? 'The API key is over its rate limit.'
        : 'The API key has no usage credits left.',
      undefined,
      options,
    )
    this.retryAfter = limits.retryAfter
    this.policy = limits.policy
    this.state = limits.state
  }

  override headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'ratelimit-policy': this.policy,
      ratelimit: this.state,
    }
    if (this.retryAfter !== undefined) headers['retry-after'] = String(this.retryAfter)
    return headers
  }
}

/** Whether `value` is a {@link KeywardError}. */
export function isKeywardError(value: unknown): value is KeywardError {
  return value instanceof KeywardError
}

/** An RFC 9457 problem document, as sent with `Content-Type: application/problem+json`. */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: KeywardErrorCode
  /** For `invalid_argument`: the field that was wrong. */
  field?: string
  /** For `insufficient_scope`: the scopes the key lacks. */
  missingScopes?: readonly string[]
}

const TITLES: Record<KeywardErrorCode, string> = {
  missing_token: 'Authentication required',
  invalid_request: 'Invalid request',
  malformed_token: 'Invalid token',
  unknown_token: 'Invalid token',
  expired_token: 'Invalid token',
  revoked_token: 'Invalid token',
  insufficient_scope: 'Insufficient scope',
  unavailable: 'Service unavailable',
  invalid_argument: 'Invalid argument',
  not_found: 'Not found',
  request_too_large: 'Request too large',
  key_inactive: 'Key inactive',
  forbidden: 'Forbidden',
  invalid_signature: 'Invalid signature',
  rate_limited: 'Too many requests',
  usage_exceeded: 'Usage credits exhausted',
}

/** The media type of problem documents. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** A ready HTTP answer for an error: status, headers (content type included) and JSON body. */
export interface ErrorResponse {
  status: number
  headers: Record<string, string>
  body: Problem
}

/**
 * Renders a {@link KeywardError} as the answer both adapters send. Any other thrown value is
 * not ours to describe, so callers pass it on to the framework's error handling instead.
 */
export function errorResponse(error: KeywardError): ErrorResponse {
  const body: Problem = {
    type: `urn:keyward:error:${error.code}`,
    title: TITLES[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
  }
  if (error instanceof InvalidArgumentError) body.field = error.field
  if (error instanceof InsufficientScopeError) body.missingScopes = error.missingScopes
  return {
    status: error.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...error.responseHeaders() },
    body,
  }
}
