import { InvalidRequestError, MissingTokenError } from '../errors.js'
import { assertKeyward, type Keyward } from '../keyward.js'
import { assertNonNegativeInteger, assertObject, booleanOption } from '../lib/options.js'
import type { VerifiedKey } from '../types.js'

/**
 * The framework-free half of `apiKeyAuth` in the Express and Hono adapters: which header
 * carries the credential, what an unusable header means, preflights and anonymous access are
 * decided here, once, so the adapters only translate. Route guards are in `guards.ts`.
 */

/** Options of {@link createAuthenticator}, shared by `apiKeyAuth` in both adapters. */
export interface AuthenticateOptions<S extends string = string> {
  /** Every one of these scopes is required, as with `keyward.verify`. Default: none. */
  scopes?: readonly S[]
  /** At least one of these scopes is required. Default: none. */
  anyScopes?: readonly S[]
  /**
   * What each request charges a key with rate limits or credits, in units, after the scope
   * check (a non-negative integer). Default `1`. A later route guard with a higher `cost`
   * charges the difference; see `requireScopes`.
   */
  cost?: number
  /**
   * Lets requests without a credential through, anonymous (no `apiKey`). A credential that
   * is presented is still verified, and a bad one is still refused. Default `false`.
   */
  optional?: boolean
  /**
   * Also accept the token in a header of its own: `true` reads `X-API-Key`, a string names
   * another header. A request carrying two different credentials is refused (400).
   * Default `false`: only `Authorization: Bearer` (RFC 6750 §2.1).
   */
  apiKeyHeader?: boolean | string
  /**
   * Lets CORS preflights (`OPTIONS` with `Access-Control-Request-Method`) through without a
   * credential, since browsers never send one on them. Default `true`; `false` authenticates
   * preflights like any other request.
   */
  passPreflight?: boolean
}

/** The least of a request the authenticator reads. Express's `req` and Hono's `c.req` fit as they are. */
export interface AuthenticationRequest {
  readonly method: string
  /** A request header by lower-case name, `undefined` when absent. */
  header(name: string): string | undefined
}

/**
 * Authenticates one request: the verified key, `undefined` when the request may go through
 * anonymous (optional, preflight), a promise of either when the store must be asked, or a
 * thrown `KeywardError` (synchronously when found before any I/O). `clientIp` is the address
 * the adapter decided the request comes from (the socket's peer, or what trusted proxies
 * forwarded; never a header the client controls): keys with `allowedIps` are judged by it,
 * and refused without it.
 */
export type Authenticator = (
  request: AuthenticationRequest,
  clientIp?: string,
) => VerifiedKey | undefined | Promise<VerifiedKey | undefined>

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
/** RFC 9110 `token`, for a configurable header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function apiKeyHeaderName(value: unknown): string | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return 'x-api-key'
  if (
    typeof value !== 'string' ||
    !HEADER_NAME.test(value) ||
    value.toLowerCase() === 'authorization'
  ) {
    throw new TypeError('apiKeyHeader must be a boolean or a header name other than Authorization')
  }
  return value.toLowerCase()
}

/**
 * The token of an `Authorization` value, or `undefined` when it is not a Bearer credential.
 * Another scheme (`Basic …`) counts as no credential: RFC 6750 §3.1 answers a client that
 * "attempted using an unsupported authentication method" with a bare challenge.
 */
function bearerToken(value: string | undefined, realm: string): string | undefined {
  if (value === undefined || value === '') return undefined
  let token: string
  if (value.startsWith('Bearer ')) token = value.slice(7)
  else {
    const space = value.indexOf(' ')
    const scheme = space === -1 ? value : value.slice(0, space)
    if (scheme.toLowerCase() !== 'bearer') return undefined
    token = space === -1 ? '' : value.slice(space + 1)
  }
  // `"Bearer" 1*SP b64token`: more than one space is allowed.
  if (token.startsWith(' ')) token = token.trimStart()
  if (token === '') throw new InvalidRequestError('The Bearer credential is empty.', { realm })
  if (!B64TOKEN.test(token)) {
    throw new InvalidRequestError(
      'The Bearer credential contains characters a token cannot hold.',
      { realm },
    )
  }
  return token
}

/**
 * Builds the authenticator `apiKeyAuth` runs on every request. Options are validated and
 * scope requirements compiled here (a `TypeError` on bad configuration, never per request).
 *
 * Rules, in order: a CORS preflight passes (unless `passPreflight: false`); the credential
 * is `Authorization: Bearer <token>` (scheme case-insensitive) or, when enabled, the
 * `apiKeyHeader`; an empty Bearer token or one with characters outside RFC 6750's
 * `b64token` is `invalid_request` (400), and so are two different credentials; no
 * credential is `missing_token` (401) unless `optional`; the token then goes through
 * `keyward.check` with the request's client address, which answers synchronously on a cache
 * hit.
 */
export function createAuthenticator<S extends string>(
  keyward: Keyward<S>,
  options: AuthenticateOptions<NoInfer<S>> = {},
): Authenticator {
  assertKeyward(keyward)
  assertObject(options)
  const optional = booleanOption(options.optional, 'optional', false)
  const passPreflight = booleanOption(options.passPreflight, 'passPreflight', true)
  const headerName = apiKeyHeaderName(options.apiKeyHeader)
  for (const option of ['scopes', 'anyScopes'] as const) {
    if (options[option] !== undefined && !Array.isArray(options[option])) {
      throw new TypeError(`${option} must be an array of scopes`)
    }
  }
  const requirement = keyward.requirement({
    ...(options.scopes && { scopes: options.scopes }),
    ...(options.anyScopes && { anyScopes: options.anyScopes }),
  })
  const realm = keyward.realm
  if (options.cost !== undefined) assertNonNegativeInteger(options.cost, 'cost')
  const cost = options.cost ?? 1

  return function authenticate(request, clientIp) {
    if (passPreflight && isPreflight(request)) return undefined
    const token = presentedToken(request, headerName, realm)
    if (token === undefined) {
      if (optional) return undefined
      throw new MissingTokenError({ realm })
    }
    return keyward.check(token, requirement, cost, clientIp, request.header('user-agent'))
  }
}

/** A CORS preflight: browsers never send credentials on it. */
function isPreflight(request: AuthenticationRequest): boolean {
  return (
    request.method === 'OPTIONS' && request.header('access-control-request-method') !== undefined
  )
}

/**
 * The token a request presents: its Bearer token, or the value of the API-key header when
 * one is named and set. Two different ones, or a header value no token could be, are
 * `invalid_request`; `undefined` when there is none.
 */
function presentedToken(
  request: AuthenticationRequest,
  headerName: string | undefined,
  realm: string,
): string | undefined {
  const bearer = bearerToken(request.header('authorization'), realm)
  if (headerName === undefined) return bearer
  const other = request.header(headerName)
  if (other === undefined || other === '') return bearer
  if (bearer !== undefined && bearer !== other) {
    throw new InvalidRequestError('The request carries two different credentials.', { realm })
  }
  if (!B64TOKEN.test(other)) {
    throw new InvalidRequestError(
      `The ${headerName} header contains characters a token cannot hold.`,
      { realm },
    )
  }
  return other
}
