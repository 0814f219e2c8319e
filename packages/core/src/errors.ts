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
  | 'suspended_token'
  | 'ip_not_allowed'

/** The codes of a token that was presented but does not authenticate (401, `invalid_token`). */
export type InvalidTokenCode =
  | 'malformed_token'
  | 'unknown_token'
  | 'expired_token'
  | 'revoked_token'
  | 'suspended_token'

/** Options every {@link KeywardError} subclass accepts. */
export interface KeywardErrorOptions {
  /** The underlying error, kept for logs; never rendered into a response. Default none. */
  cause?: unknown
  /**
   * The `realm` of the `WWW-Authenticate` challenge, for the errors that carry one
   * (`missing_token`, `invalid_request`, the invalid-token codes, `insufficient_scope`);
   * the others ignore it. Default {@link DEFAULT_REALM} (`'api'`).
   */
  realm?: string
}

/** What the {@link KeywardError} constructor takes; the subclasses fill it in themselves. */
export interface KeywardErrorInit {
  /** What went wrong, machine-readable. */
  code: KeywardErrorCode
  /** The HTTP status an adapter answers with. */
  status: number
  /** The text a client may see; never a token. */
  message: string
  /** The complete `WWW-Authenticate` header value. Default none: no challenge is sent. */
  wwwAuthenticate?: string | undefined
  /** The underlying error, kept for logs; never rendered into a response. Default none. */
  cause?: unknown
}

/** The `realm` used in challenges when none is configured. */
export const DEFAULT_REALM = 'api'

/** {@link UnavailableError.retryAfter} when none is given, in seconds. */
const DEFAULT_RETRY_AFTER_SECONDS = 5

/**
 * Keeps only the characters RFC 6750 §3 allows inside a quoted challenge attribute
 * (`%x20-21 / %x23-5B / %x5D-7E`), so a header value can never be broken or injected into.
 */
export function challengeValue(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')
}

/** The `Bearer` challenge in `options.realm` (default {@link DEFAULT_REALM}) with `attributes`. */
function challenge(options: KeywardErrorOptions, attributes: Record<string, string> = {}): string {
  const parts = [`realm="${challengeValue(options.realm ?? DEFAULT_REALM)}"`]
  for (const [name, value] of Object.entries(attributes))
    parts.push(`${name}="${challengeValue(value)}"`)
  return `Bearer ${parts.join(', ')}`
}

const StackLimited = Error as ErrorConstructor & { stackTraceLimit?: number }

/**
 * The base of every error Keyward throws or rejects with. Keyward itself throws only the
 * subclasses below, whose union is {@link AnyKeywardError}: narrow to it to `switch (err.code)`.
 */
export class KeywardError extends Error {
  /** What went wrong, machine-readable; each subclass narrows it to its own literal. */
  readonly code: KeywardErrorCode
  /** The HTTP status an adapter answers with. */
  readonly status: number
  /** The `WWW-Authenticate` header value to send, when this failure carries a challenge. */
  readonly wwwAuthenticate: string | undefined

  /**
   * Whether instances capture a stack trace. The failures a client causes on every bad
   * request (missing, malformed, unknown, expired, revoked token, missing scope) do not:
   * they are answers, not bugs, and capturing frames was most of their cost, which matters
   * when an API is flooded with garbage tokens. Default `true`.
   */
  static readonly captureStack: boolean = true

  constructor(init: KeywardErrorInit) {
    // `stackTraceLimit` is V8's and JavaScriptCore's; elsewhere stacks are simply kept.
    const limit = StackLimited.stackTraceLimit
    const quiet = !(new.target as typeof KeywardError).captureStack && typeof limit === 'number'
    if (quiet) StackLimited.stackTraceLimit = 0
    try {
      super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    } finally {
      if (quiet) StackLimited.stackTraceLimit = limit
    }
    this.name = new.target.name
    this.code = init.code
    this.status = init.status
    this.wwwAuthenticate = init.wwwAuthenticate
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

/**
 * No credential was presented: `missing_token`, 401, a bare `Bearer realm="…"` challenge.
 * The message is always `No API key was presented.`
 */
export class MissingTokenError extends KeywardError {
  static readonly code = 'missing_token' as const
  static override readonly captureStack = false

  declare readonly code: typeof MissingTokenError.code

  constructor(options: KeywardErrorOptions = {}) {
    super({
      code: MissingTokenError.code,
      status: 401,
      message: 'No API key was presented.',
      wwwAuthenticate: challenge(options),
      cause: options.cause,
    })
  }
}

/**
 * The request carrying the credential is itself wrong: bad `Authorization`, two credentials,
 * malformed JSON. `invalid_request`, 400, challenge `error="invalid_request"`.
 */
export class InvalidRequestError extends KeywardError {
  static readonly code = 'invalid_request' as const
  static override readonly captureStack = false

  declare readonly code: typeof InvalidRequestError.code

  constructor(message: string, options: KeywardErrorOptions = {}) {
    super({
      code: InvalidRequestError.code,
      status: 400,
      message,
      wwwAuthenticate: challenge(options, {
        error: 'invalid_request',
        error_description: message,
      }),
      cause: options.cause,
    })
  }
}

/**
 * A token was presented but does not authenticate: `malformed_token`, `unknown_token`,
 * `expired_token`, `revoked_token` or `suspended_token` (the caller picks), 401, challenge
 * `error="invalid_token"`.
 */
export class InvalidTokenError extends KeywardError {
  /** The codes this class carries: every {@link InvalidTokenCode}. */
  static readonly codes = [
    'malformed_token',
    'unknown_token',
    'expired_token',
    'revoked_token',
    'suspended_token',
  ] as const satisfies readonly InvalidTokenCode[]
  static override readonly captureStack = false

  declare readonly code: InvalidTokenCode

  constructor(code: InvalidTokenCode, message: string, options: KeywardErrorOptions = {}) {
    super({
      code,
      status: 401,
      message,
      wwwAuthenticate: challenge(options, {
        error: 'invalid_token',
        error_description: message,
      }),
      cause: options.cause,
    })
  }
}

/**
 * The token is valid but lacks a required scope: `insufficient_scope`, 403, challenge
 * `error="insufficient_scope"` with `scope` listing every required scope.
 */
export class InsufficientScopeError extends KeywardError {
  static readonly code = 'insufficient_scope' as const
  static override readonly captureStack = false

  declare readonly code: typeof InsufficientScopeError.code
  /** The scopes the request required. */
  readonly requiredScopes: readonly string[]
  /** The required scopes the key does not hold (for `any` semantics: all of them). */
  readonly missingScopes: readonly string[]

  /**
   * @param options.any - The request needed any one of `requiredScopes`, not all of them:
   *   only the message changes ("needs one of these scopes"). Default `false`.
   */
  constructor(
    requiredScopes: readonly string[],
    missingScopes: readonly string[],
    options: KeywardErrorOptions & { any?: boolean } = {},
  ) {
    const message = options.any
      ? `The API key needs one of these scopes: ${missingScopes.join(', ')}.`
      : `The API key lacks the scope${missingScopes.length === 1 ? '' : 's'} ${missingScopes.join(', ')}.`
    super({
      code: InsufficientScopeError.code,
      status: 403,
      message,
      wwwAuthenticate: challenge(options, {
        error: 'insufficient_scope',
        error_description: message,
        scope: requiredScopes.join(' '),
      }),
      cause: options.cause,
    })
    this.requiredScopes = requiredScopes
    this.missingScopes = missingScopes
  }
}

/**
 * A backend (store, revocation list) cannot answer, and Keyward fails closed: `unavailable`,
 * 503, no challenge, `Retry-After: <retryAfter>`.
 */
export class UnavailableError extends KeywardError {
  static readonly code = 'unavailable' as const

  declare readonly code: typeof UnavailableError.code
  /** Seconds a client should wait before retrying; sent as `Retry-After`. Default 5. */
  readonly retryAfter: number

  /**
   * @param options.retryAfter - Seconds a client should wait before retrying, sent as
   *   `Retry-After`. Default 5.
   */
  constructor(message: string, options: KeywardErrorOptions & { retryAfter?: number } = {}) {
    super({ code: UnavailableError.code, status: 503, message, cause: options.cause })
    this.retryAfter = options.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS
  }

  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfter) }
  }
}

/**
 * Lifecycle input is invalid; `field` names what was wrong: `invalid_argument`, 422 in
 * management routes, no challenge.
 */
export class InvalidArgumentError extends KeywardError {
  static readonly code = 'invalid_argument' as const

  declare readonly code: typeof InvalidArgumentError.code
  /** The input field that was wrong, e.g. `'expiresAt'` or `'scopes[1]'`. */
  readonly field: string

  constructor(field: string, message: string, options: KeywardErrorOptions = {}) {
    super({ code: InvalidArgumentError.code, status: 422, message, cause: options.cause })
    this.field = field
  }
}

/**
 * The key does not exist, or belongs to another owner: `not_found`, 404 in management routes,
 * no challenge.
 */
export class NotFoundError extends KeywardError {
  static readonly code = 'not_found' as const

  declare readonly code: typeof NotFoundError.code

  /** @param message - Default `No such API key.` */
  constructor(message = 'No such API key.', options: KeywardErrorOptions = {}) {
    super({ code: NotFoundError.code, status: 404, message, cause: options.cause })
  }
}

/**
 * A request body is larger than the configured limit: `request_too_large`, 413, no
 * challenge; the message is `The request body exceeds <limit> bytes.`
 */
export class RequestTooLargeError extends KeywardError {
  static readonly code = 'request_too_large' as const

  declare readonly code: typeof RequestTooLargeError.code

  /** @param limit - The limit that was exceeded, in bytes. */
  constructor(limit: number, options: KeywardErrorOptions = {}) {
    super({
      code: RequestTooLargeError.code,
      status: 413,
      message: `The request body exceeds ${limit} bytes.`,
      cause: options.cause,
    })
  }
}

/**
 * `update` or `rotate` of a key that is revoked, expired or already replaced by rotation (and
 * `rotate`, a mint or a management call of a suspended one; `suspend` or `resume` of a key
 * that has ended): `key_inactive`, 409 in management routes, no challenge. A grace deadline is
 * never undone, and a key has at most one successor.
 */
export class KeyInactiveError extends KeywardError {
  static readonly code = 'key_inactive' as const

  declare readonly code: typeof KeyInactiveError.code
  /** Why the key is inactive. */
  readonly keyStatus: 'expired' | 'revoked' | 'rotated' | 'suspended'

  constructor(
    status: 'expired' | 'revoked' | 'rotated' | 'suspended',
    options: KeywardErrorOptions = {},
  ) {
    const why = {
      expired: 'The API key has expired; it can no longer be changed or rotated.',
      revoked: 'The API key has been revoked; it can no longer be changed or rotated.',
      rotated: 'The API key has been replaced by rotation; it can no longer be changed or rotated.',
      suspended: 'The API key is suspended; resume it first.',
    }[status]
    super({
      code: KeyInactiveError.code,
      status: 409,
      message: why,
      cause: options.cause,
    })
    this.keyStatus = status
  }
}

/**
 * The caller is authenticated but may not do this, e.g. a key changing its own expiry or
 * scopes: `forbidden`, 403, no challenge.
 */
export class ForbiddenError extends KeywardError {
  static readonly code = 'forbidden' as const

  declare readonly code: typeof ForbiddenError.code

  constructor(message: string, options: KeywardErrorOptions = {}) {
    super({ code: ForbiddenError.code, status: 403, message, cause: options.cause })
  }
}

/**
 * A signed request (a GitHub secret-scanning report) carries no signature, names an unknown
 * key, or its signature does not verify: `invalid_signature`, 401, no `WWW-Authenticate`
 * (this is no bearer token).
 */
export class InvalidSignatureError extends KeywardError {
  static readonly code = 'invalid_signature' as const
  static override readonly captureStack = false

  declare readonly code: typeof InvalidSignatureError.code

  constructor(message: string, options: KeywardErrorOptions = {}) {
    super({ code: InvalidSignatureError.code, status: 401, message, cause: options.cause })
  }
}

/**
 * A key with limits is over one of its rate limits (`rate_limited`) or out of credits
 * (`usage_exceeded`): 429, no challenge, with `Retry-After` (when waiting helps) and the IETF
 * `RateLimit-Policy` / `RateLimit` headers. Nothing was charged for the refused request.
 */
export class RateLimitedError extends KeywardError {
  /** The codes this class carries. */
  static readonly codes = ['rate_limited', 'usage_exceeded'] as const
  static override readonly captureStack = false

  declare readonly code: (typeof RateLimitedError.codes)[number]
  /**
   * Seconds until the refusing limit frees up, sent as `Retry-After`. No default: `undefined`
   * (credits that never refill) sends no `Retry-After`.
   */
  readonly retryAfter: number | undefined
  /** The `RateLimit-Policy` header value. */
  readonly policy: string
  /** The `RateLimit` header value. */
  readonly state: string

  /**
   * @param limits.retryAfter - Seconds until the refusing limit frees up, or `undefined`
   *   when waiting does not help (no `Retry-After` is sent).
   */
  constructor(
    code: (typeof RateLimitedError.codes)[number],
    limits: { retryAfter: number | undefined; policy: string; state: string },
    options: KeywardErrorOptions = {},
  ) {
    super({
      code,
      status: 429,
      message:
        code === 'rate_limited'
          ? 'The API key is over its rate limit.'
          : 'The API key has no usage credits left.',
      cause: options.cause,
    })
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

/**
 * The key has network rules (`allowedIps`) and the request comes from outside them, or from
 * an address the adapter could not tell: `ip_not_allowed`, 403, no `WWW-Authenticate` (no
 * RFC 6750 error describes it). Nothing was charged and `lastUsedAt` is not touched.
 */
export class IpNotAllowedError extends KeywardError {
  static readonly code = 'ip_not_allowed' as const
  static override readonly captureStack = false

  declare readonly code: typeof IpNotAllowedError.code

  /** @param noun - What was presented: `'API key'` (default) or `'access token'`. */
  constructor(noun = 'API key', options: KeywardErrorOptions = {}) {
    super({
      code: IpNotAllowedError.code,
      status: 403,
      message: `The ${noun} may not be used from this network address.`,
      cause: options.cause,
    })
  }
}

/**
 * Every error class Keyward throws, as one union whose `code` tells them apart:
 * `switch (err.code)` narrows `err` to the class (`case 'insufficient_scope':` gives
 * `err.missingScopes`). Every {@link KeywardErrorCode} belongs to exactly one member.
 */
export type AnyKeywardError =
  | MissingTokenError
  | InvalidRequestError
  | InvalidTokenError
  | InsufficientScopeError
  | UnavailableError
  | InvalidArgumentError
  | NotFoundError
  | RequestTooLargeError
  | KeyInactiveError
  | ForbiddenError
  | InvalidSignatureError
  | RateLimitedError
  | IpNotAllowedError

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
  suspended_token: 'Invalid token',
  ip_not_allowed: 'Address not allowed',
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
