import { DEFAULT_REALM, InvalidRequestError, KeywardError, MissingTokenError } from '../errors.js'
import type { Keyward } from '../keyward.js'
import {
  assertNonNegativeInteger,
  assertObject,
  booleanOption,
  hasMethods,
} from '../lib/options.js'
import { chargeRoute, refundRequest } from '../limits/limits.js'
import { type ScopeCatalog, type ScopeRequirement, scopeRequirement } from '../scopes.js'
import type { VerifiedKey } from '../types.js'

/**
 * The framework-free half of the Express and Hono adapters: which header carries the
 * credential, what an unusable header means, preflights, anonymous access and scope
 * guards are decided here, once, so the adapters only translate.
 */

/** The scope names of a catalog: `ScopeName<typeof scopes>` is `'projects:read' | …`. */
export type ScopeName<C extends ScopeCatalog<string>> = C['names'][number]

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
 * thrown `KeywardError` (synchronously when found before any I/O).
 */
export type Authenticator = (
  request: AuthenticationRequest,
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

/** Throws a `TypeError` unless `keyward` looks like what `createKeyward` returns. */
export function assertKeyward(keyward: unknown): asserts keyward is Keyward<string> {
  if (
    !hasMethods(keyward, ['check', 'requirement']) ||
    typeof (keyward as Partial<Keyward>).realm !== 'string'
  ) {
    throw new TypeError('keyward must be an instance from createKeyward()')
  }
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
      {
        realm,
      },
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
 * `keyward.check`, which answers synchronously on a cache hit.
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

  return function authenticate(request) {
    if (
      passPreflight &&
      request.method === 'OPTIONS' &&
      request.header('access-control-request-method') !== undefined
    ) {
      return undefined
    }
    let token = bearerToken(request.header('authorization'), realm)
    if (headerName !== undefined) {
      const other = request.header(headerName)
      if (other !== undefined && other !== '') {
        if (token !== undefined && token !== other) {
          throw new InvalidRequestError('The request carries two different credentials.', { realm })
        }
        if (!B64TOKEN.test(other)) {
          throw new InvalidRequestError(
            `The ${headerName} header contains characters a token cannot hold.`,
            {
              realm,
            },
          )
        }
        token = other
      }
    }
    if (token === undefined) {
      if (optional) return undefined
      throw new MissingTokenError({ realm })
    }
    return keyward.check(token, requirement, cost)
  }
}

/**
 * A compiled scope guard: throws unless `key` (from an earlier `apiKeyAuth`) holds the
 * scopes; then charges the route's cost to a limited key. Returns the request's key (a new
 * one when its limit state changed), or a promise of it when the limiter asks its backend.
 */
export type ScopeGuard = (key: VerifiedKey | undefined) => VerifiedKey | Promise<VerifiedKey>

/** Options of a route guard (`requireScopes('reports:run', { cost: 10 })`). */
export interface GuardOptions {
  /**
   * What the route costs a key with rate limits or credits, in all, charged after the scope
   * check (a non-negative integer). `apiKeyAuth` charged its own `cost` (default 1) already;
   * the guard charges the difference, so the route costs `cost` once. Default: nothing more.
   */
  cost?: number
}

const grantedSets = new WeakMap<readonly string[], ReadonlySet<string>>()

/**
 * `key.scopes` as a set, built once per scopes array: cached verifications (and a limited
 * key's per-request copies) share the same frozen array, so guards do not rebuild it.
 */
export function grantedScopes(key: VerifiedKey): ReadonlySet<string> {
  let granted = grantedSets.get(key.scopes)
  if (granted === undefined) {
    granted = new Set(key.scopes)
    grantedSets.set(key.scopes, granted)
  }
  return granted
}

/**
 * Compiles the check behind `requireScopes` (`mode: 'all'`) and `requireAnyScope`
 * (`'any'`). With `keyward`, scopes must be in its catalog and challenges carry its realm;
 * without, any well-formed scope is accepted and the realm is `'api'`. No key (no earlier
 * `apiKeyAuth`, or an anonymous request) is `missing_token` (401), never a pass.
 */
export function createScopeGuard(
  scopes: readonly string[],
  mode: 'all' | 'any',
  keyward?: Keyward<string>,
  options: GuardOptions = {},
): ScopeGuard {
  const name = mode === 'all' ? 'requireScopes' : 'requireAnyScope'
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw new TypeError(`${name} needs at least one scope`)
  assertObject(options, `${name} options`)
  if (options.cost !== undefined) assertNonNegativeInteger(options.cost, 'cost')
  const cost = options.cost
  let requirement: ScopeRequirement
  let realm = DEFAULT_REALM
  if (keyward === undefined) requirement = scopeRequirement(scopes, mode)
  else {
    assertKeyward(keyward)
    requirement = keyward.requirement(mode === 'all' ? { scopes } : { anyScopes: scopes })!
    realm = keyward.realm
  }
  return function scopeGuard(key) {
    if (key === undefined) throw new MissingTokenError({ realm })
    try {
      requirement.check(grantedScopes(key), realm)
    } catch (error) {
      // Refused: whatever `apiKeyAuth` charged is given back.
      if (key.rateLimit !== undefined) {
        refundRequest(key)
        if (error instanceof KeywardError) {
          error.addHeaders({ 'ratelimit-policy': key.rateLimit.policy })
        }
      }
      throw error
    }
    return cost === undefined ? key : chargeRoute(key, cost)
  }
}

/** A guard's arguments: scopes, optionally followed by {@link GuardOptions}. */
export type GuardArguments<S extends string> = [S, ...S[]] | [S, ...S[], GuardOptions]

/** Splits a guard's arguments into its scopes and options. */
function guardArguments(args: readonly unknown[]): [string[], GuardOptions | undefined] {
  const last = args[args.length - 1]
  if (last !== null && typeof last === 'object' && !Array.isArray(last)) {
    return [args.slice(0, -1) as string[], last as GuardOptions]
  }
  return [args as string[], undefined]
}

/** Guards bound to one Keyward instance, typed by its catalog: see {@link GuardFactories}. */
export interface Guards<S extends string, M> {
  /** `requireScopes`, accepting only catalog scopes, optionally followed by `{ cost }`. */
  requireScopes(...scopes: GuardArguments<S>): M
  /** `requireAnyScope`, accepting only catalog scopes, optionally followed by `{ cost }`. */
  requireAnyScope(...scopes: GuardArguments<S>): M
}

/** The scope-guard exports of an adapter whose middleware type is `M`. */
export interface GuardFactories<M> {
  /**
   * Route guard: the key `apiKeyAuth` verified must hold every one of `scopes` (wildcard
   * grants count), else 403 `insufficient_scope` naming them; no key at all is 401. Name
   * the catalog to have scopes checked at compile time:
   * `requireScopes<typeof scopes>('projects:read')`, or use `createGuards`. A last argument
   * `{ cost }` makes the route cost that much to a key with limits, charged once, after the
   * scope check.
   */
  requireScopes<C extends ScopeCatalog<string> = ScopeCatalog<string>>(
    ...scopes: GuardArguments<ScopeName<C>>
  ): M
  /** Route guard like `requireScopes`, satisfied by any one of `scopes`. */
  requireAnyScope<C extends ScopeCatalog<string> = ScopeCatalog<string>>(
    ...scopes: GuardArguments<ScopeName<C>>
  ): M
  /**
   * The guards typed by `keyward`'s scope catalog, so a misspelt scope does not compile
   * (and throws `TypeError` at startup from JavaScript); challenges carry `keyward`'s realm.
   *
   * @example
   * const { requireScopes } = createGuards(keyward)
   * app.get('/v1/projects', apiKeyAuth(keyward), requireScopes('projects:read'), list)
   */
  createGuards<S extends string>(keyward: Keyward<S>): Guards<S, M>
}

/**
 * Builds an adapter's scope-guard exports from the one thing that differs between
 * frameworks: how a compiled {@link ScopeGuard} becomes a middleware.
 */
export function createGuardFactories<M>(toMiddleware: (guard: ScopeGuard) => M): GuardFactories<M> {
  const guard = (args: readonly unknown[], mode: 'all' | 'any', keyward?: Keyward<string>) => {
    const [scopes, options] = guardArguments(args)
    return toMiddleware(createScopeGuard(scopes, mode, keyward, options))
  }
  return {
    requireScopes: (...args) => guard(args, 'all'),
    requireAnyScope: (...args) => guard(args, 'any'),
    createGuards(keyward) {
      const bound = keyward as Keyward<string>
      return {
        requireScopes: (...args) => guard(args, 'all', bound),
        requireAnyScope: (...args) => guard(args, 'any', bound),
      }
    },
  }
}
