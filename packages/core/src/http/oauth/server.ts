import { InsufficientScopeError, KeywardError } from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject } from '../../lib/options.js'
import { isScope, isSubsetOf } from '../../scopes.js'
import type { VerifiedKey } from '../../types.js'
import { type ManagementRequest, type ManagementResponse, maxBodyBytesOption } from '../request.js'
import { answerOAuthRequest, type RequestCharge } from './charge.js'
import { authenticateClient, createOAuthContext, type OAuthContext } from './client.js'
import {
  AUTH_METHODS,
  GRANT_TYPES,
  OAuthRefusal,
  oauthJson,
  readForm,
  refusalOf,
} from './protocol.js'
import type { OAuthAccessTokens } from './token-endpoint.js'

/** Options of {@link createOAuthServer}. Invalid options throw `TypeError` at once. */
export interface OAuthServerOptions {
  /**
   * The access-token issuer (`@keyward/jwt`'s `createAccessTokens`): the token endpoint and
   * its grant types are advertised only with it, and introspection reads its tokens' `iat`.
   * Default: none.
   */
  accessTokens?: OAuthAccessTokens
  /**
   * The issuer identifier (RFC 8414 §2): an `https:` (or, for development, `http:`) URL with
   * no query or fragment, identical to the `iss` of the access tokens. Default
   * `accessTokens.issuer`; one of the two is required.
   */
  issuer?: string
  /**
   * Where the token endpoint is served: a path on the issuer's origin, or an absolute URL.
   * Default `'/api-keys/token'` (the management API mounted at `/api-keys`).
   */
  tokenEndpoint?: string
  /** Where the JWK Set is published: a path or an absolute URL. Default `'/.well-known/jwks.json'`. */
  jwksUri?: string
  /**
   * Enables RFC 7662 introspection: the scope a caller's API key must hold to introspect.
   * Must be declared in the scope catalog. Default: none, and no introspection endpoint.
   */
  introspectionScope?: string
  /** The path of the introspection endpoint, from the app's root. Default `'/oauth/introspect'`. */
  introspectionPath?: string
  /** Largest request body accepted, in bytes; larger ones answer 413. Default `16_384`. */
  maxBodyBytes?: number
}

/** RFC 8414 metadata and RFC 7662 introspection, served from the app's root by the adapters. */
export interface OAuthServer {
  /** The issuer identifier. */
  readonly issuer: string
  /** Where the metadata is served: `/.well-known/oauth-authorization-server` (plus the issuer's path, RFC 8414 §3). */
  readonly metadataPath: string
  /** Where introspection is served, or `undefined` when it is not enabled. */
  readonly introspectionPath: string | undefined
  /** The body limit adapters apply while reading, in bytes. */
  readonly maxBodyBytes: number
  /** The RFC 8414 metadata document (a fresh object each call). */
  metadata(): Record<string, unknown>
  /**
   * Answers `GET` of the metadata path and `POST` of the introspection path; `path` is from
   * the app's root. Anything else answers 404. Only bugs reject.
   */
  handle(request: ManagementRequest): Promise<ManagementResponse>
}

/**
 * Builds the OAuth discovery and introspection endpoints of an app using Keyward:
 *
 * - RFC 8414 metadata: `issuer`, `token_endpoint`, `jwks_uri`, `scopes_supported`,
 *   `grant_types_supported`, `token_endpoint_auth_methods_supported` and, with introspection,
 *   `introspection_endpoint` and its auth methods. `response_types_supported` is empty:
 *   there is no authorization endpoint.
 * - RFC 7662 introspection (with `introspectionScope`): the caller authenticates like a
 *   token client (Basic, `client_secret_post` or a Bearer API key) and its key must hold the
 *   scope (403 otherwise, challenging `insufficient_scope` with the scope); a `token` that
 *   `keyward.verify` accepts answers `active: true` with `scope`, `client_id` (the key id),
 *   `sub` (the owner), `exp`, `iat`, `token_type` (`Bearer`), `kw_kind` and, for access
 *   tokens, `iss` and `aud`; anything else answers `{"active": false}` and nothing more.
 *   The caller's request is charged to the caller's limits (nothing when refused); the
 *   inspected token's key is never charged, and a key past its limits is still active.
 *   Every answer is `Cache-Control: no-store`.
 */
export function createOAuthServer<S extends string>(
  keyward: Keyward<S>,
  options: OAuthServerOptions = {},
): OAuthServer {
  assertObject(options)
  const tokens = options.accessTokens
  if (tokens !== undefined) assertImplements(tokens, 'accessTokens', ['issueAccessToken'])
  const issuer = issuerOption(options.issuer ?? tokens?.issuer, tokens)
  const origin = new URL(issuer).origin
  const introspection = introspectionOption(keyward, options)
  const ctx: ServerContext = {
    ...createOAuthContext(keyward, maxBodyBytesOption(options.maxBodyBytes)),
    issuer,
    tokens,
    introspection,
  }
  const pathname = new URL(issuer).pathname
  const issuerPath = pathname === '/' ? '' : pathname.replace(/\/$/, '')
  const metadataPath = `/.well-known/oauth-authorization-server${issuerPath}`
  const endpoints: MetadataEndpoints = {
    token: endpointOption(options.tokenEndpoint, 'tokenEndpoint', '/api-keys/token', origin),
    jwks: endpointOption(options.jwksUri, 'jwksUri', '/.well-known/jwks.json', origin),
    introspection:
      introspection === undefined ? undefined : new URL(introspection.path, origin).href,
  }
  const metadata = () => metadataDocument(ctx, endpoints)

  return Object.freeze({
    issuer,
    metadataPath,
    introspectionPath: introspection?.path,
    maxBodyBytes: ctx.maxBodyBytes,
    metadata,
    handle: (request: ManagementRequest) =>
      answerOAuthRequest(async (charge) => {
        const method = request.method.toUpperCase()
        if (request.path === metadataPath && (method === 'GET' || method === 'HEAD')) {
          return oauthJson(metadata())
        }
        if (
          introspection !== undefined &&
          request.path === introspection.path &&
          method === 'POST'
        ) {
          return introspect(ctx, introspection.scope, request, charge)
        }
        throw new OAuthRefusal('invalid_request', 'No such OAuth endpoint.', 404)
      }),
  })
}

/** What the server's requests share: the OAuth context and what the options resolved to. */
interface ServerContext extends OAuthContext {
  /** The issuer identifier. */
  readonly issuer: string
  readonly tokens: OAuthAccessTokens | undefined
  /** The scope introspection requires and where it is served; `undefined` without it. */
  readonly introspection: { readonly scope: string; readonly path: string } | undefined
}

/** The absolute URLs the metadata names. */
interface MetadataEndpoints {
  readonly token: string
  readonly jwks: string
  readonly introspection: string | undefined
}

/**
 * The issuer identifier (RFC 8414 §2): an `http(s)` URL with no query or fragment, the `iss`
 * of the access tokens when they name one. Else a `TypeError`.
 */
function issuerOption(issuer: string | undefined, tokens: OAuthAccessTokens | undefined): string {
  let url: URL
  try {
    url = new URL(issuer ?? '')
  } catch {
    throw new TypeError('issuer must be an http(s) URL (or accessTokens must name one)')
  }
  if (
    !['https:', 'http:'].includes(url.protocol) ||
    url.search !== '' ||
    url.hash !== '' ||
    issuer!.includes('?') ||
    issuer!.includes('#')
  ) {
    throw new TypeError('issuer must be an http(s) URL without query or fragment')
  }
  if (tokens?.issuer !== undefined && tokens.issuer !== issuer) {
    throw new TypeError('issuer must equal the iss of accessTokens')
  }
  return issuer!
}

/** An endpoint option (a path on the issuer's `origin`, or an absolute URL) as an absolute URL. */
function endpointOption(value: unknown, option: string, fallback: string, origin: string): string {
  const path = value ?? fallback
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`${option} must be a path or a URL`)
  }
  try {
    return new URL(path, origin).href
  } catch {
    throw new TypeError(`${option} must be a path or a URL`)
  }
}

/** `introspectionScope` and `introspectionPath`, checked; `undefined` when introspection is off. */
function introspectionOption<S extends string>(
  keyward: Keyward<S>,
  options: OAuthServerOptions,
): { scope: string; path: string } | undefined {
  const scope = options.introspectionScope
  if (scope === undefined) return undefined
  if (!isScope(scope) || !keyward.scopes.has(scope)) {
    throw new TypeError(
      'introspectionScope must be a resource:action scope declared in the scope catalog',
    )
  }
  const path = options.introspectionPath ?? '/oauth/introspect'
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError('introspectionPath must be a path starting with /')
  }
  return { scope, path }
}

/** The RFC 8414 metadata document (a fresh object each call). */
function metadataDocument(
  ctx: ServerContext,
  endpoints: MetadataEndpoints,
): Record<string, unknown> {
  const document: Record<string, unknown> = {
    issuer: ctx.issuer,
    jwks_uri: endpoints.jwks,
    scopes_supported: [...ctx.keyward.scopes.names],
    response_types_supported: [],
  }
  if (ctx.tokens !== undefined) {
    document.token_endpoint = endpoints.token
    document.grant_types_supported = [...GRANT_TYPES]
    document.token_endpoint_auth_methods_supported = [...AUTH_METHODS]
  }
  if (endpoints.introspection !== undefined) {
    document.introspection_endpoint = endpoints.introspection
    document.introspection_endpoint_auth_methods_supported = [...AUTH_METHODS]
  }
  return document
}

/**
 * RFC 7662 §2: the caller (charged on `charge`) must hold `scope`, then the `token` is looked
 * at without charging it: its limits are its own requests' business, not this answer's.
 */
async function introspect(
  ctx: ServerContext,
  scope: string,
  request: ManagementRequest,
  charge: RequestCharge,
): Promise<ManagementResponse> {
  const { parameters, credentials } = readForm(request, ctx.maxBodyBytes, ctx.realm)
  const caller = await authenticateClient(ctx, request, credentials, charge)
  if (!isSubsetOf([scope], caller.scopes)) {
    // RFC 6750 §3.1, whichever way the caller authenticated: the challenge names the scope.
    const denied = new InsufficientScopeError([scope], [scope], { realm: ctx.realm })
    throw new OAuthRefusal('insufficient_scope', denied.message, 403, denied.headers())
  }
  const token = parameters.get('token')
  if (token === undefined) throw new OAuthRefusal('invalid_request', 'token is required.')
  let key: VerifiedKey
  try {
    // Cost 0: verified as every request verifies it, charged nothing, never refused for limits.
    key = await ctx.keyward.verify(token, { cost: 0 })
  } catch (error) {
    if (!(error instanceof KeywardError)) throw error
    if (error.status === 503 || error.status === 429) throw refusalOf(error, 'invalid_request')
    // RFC 7662 §2.2: whatever is wrong with it, the answer is only that it is not active.
    return oauthJson({ active: false })
  }
  return oauthJson(await describeActiveToken(ctx, token, key))
}

/** What an active token's introspection answer says about it. */
async function describeActiveToken(
  ctx: ServerContext,
  token: string,
  key: VerifiedKey,
): Promise<Record<string, unknown>> {
  const answer: Record<string, unknown> = {
    active: true,
    scope: key.scopes.join(' '),
    client_id: key.id,
    sub: key.ownerId,
    exp: Math.floor(key.expiresAt / 1000),
    iat: Math.floor(key.createdAt / 1000),
    token_type: 'Bearer',
    kw_kind: key.kind,
  }
  if (key.kind !== 'api_key') {
    const { tokens } = ctx
    // `createdAt` is the parent key's: the token's own `iat` comes from its claims.
    delete answer.iat
    if (tokens?.name === key.kind && typeof tokens.verify === 'function') {
      const claims = await tokens.verify(token).catch(() => undefined)
      if (claims !== undefined) answer.iat = Math.floor(claims.issuedAt / 1000)
    }
    answer.iss = ctx.issuer
    if (tokens?.audience !== undefined) answer.aud = tokens.audience
  }
  return answer
}
