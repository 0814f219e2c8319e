import { InsufficientScopeError, KeywardError } from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject } from '../../lib/options.js'
import { isScope, isSubsetOf } from '../../scopes.js'
import type { VerifiedKey } from '../../types.js'
import { createAuthenticator } from '../authenticate.js'
import type { ManagementRequest, ManagementResponse } from '../request.js'
import {
  authenticateClient,
  OAuthRefusal,
  oauthError,
  oauthJson,
  readForm,
  refusalOf,
} from './protocol.js'
import { bodyLimit, GRANT_TYPES, type OAuthAccessTokens } from './token-endpoint.js'

/** The RFC 8414 names of the client authentication methods accepted. */
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const

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
 *   scope (403 otherwise); a `token` that `keyward.verify` accepts answers `active: true` with
 *   `scope`, `client_id` (the key id), `sub` (the owner), `exp`, `iat`, `token_type`
 *   (`Bearer`), `kw_kind` and, for access tokens, `iss` and `aud`; anything else answers
 *   `{"active": false}` and nothing more. Every answer is `Cache-Control: no-store`.
 */
export function createOAuthServer<S extends string>(
  keyward: Keyward<S>,
  options: OAuthServerOptions = {},
): OAuthServer {
  assertObject(options)
  const tokens = options.accessTokens
  if (tokens !== undefined) {
    assertImplements(tokens, 'accessTokens', ['issueAccessToken'])
  }
  const issuer = options.issuer ?? tokens?.issuer
  let issuerUrl: URL
  try {
    issuerUrl = new URL(issuer ?? '')
  } catch {
    throw new TypeError('issuer must be an http(s) URL (or accessTokens must name one)')
  }
  if (
    !['https:', 'http:'].includes(issuerUrl.protocol) ||
    issuerUrl.search !== '' ||
    issuerUrl.hash !== '' ||
    issuer!.includes('?') ||
    issuer!.includes('#')
  ) {
    throw new TypeError('issuer must be an http(s) URL without query or fragment')
  }
  if (tokens?.issuer !== undefined && tokens.issuer !== issuer) {
    throw new TypeError('issuer must equal the iss of accessTokens')
  }
  const endpoint = (value: unknown, option: string, fallback: string) => {
    const path = value ?? fallback
    if (typeof path !== 'string' || path === '')
      throw new TypeError(`${option} must be a path or a URL`)
    try {
      return new URL(path, issuerUrl.origin).href
    } catch {
      throw new TypeError(`${option} must be a path or a URL`)
    }
  }
  const tokenEndpoint = endpoint(options.tokenEndpoint, 'tokenEndpoint', '/api-keys/token')
  const jwksUri = endpoint(options.jwksUri, 'jwksUri', '/.well-known/jwks.json')
  const introspectionScope = options.introspectionScope
  if (
    introspectionScope !== undefined &&
    (!isScope(introspectionScope) || !keyward.scopes.has(introspectionScope))
  ) {
    throw new TypeError(
      'introspectionScope must be a resource:action scope declared in the scope catalog',
    )
  }
  const introspectionPath =
    introspectionScope === undefined
      ? undefined
      : (options.introspectionPath ?? '/oauth/introspect')
  if (
    introspectionPath !== undefined &&
    (typeof introspectionPath !== 'string' || !introspectionPath.startsWith('/'))
  ) {
    throw new TypeError('introspectionPath must be a path starting with /')
  }
  const maxBodyBytes = bodyLimit(options.maxBodyBytes)
  const realm = keyward.realm
  const authenticator = createAuthenticator(keyward, { passPreflight: false })
  const issuerPath = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname.replace(/\/$/, '')
  const metadataPath = `/.well-known/oauth-authorization-server${issuerPath}`

  const metadata = (): Record<string, unknown> => {
    const document: Record<string, unknown> = {
      issuer,
      jwks_uri: jwksUri,
      scopes_supported: [...keyward.scopes.names],
      response_types_supported: [],
    }
    if (tokens !== undefined) {
      document.token_endpoint = tokenEndpoint
      document.grant_types_supported = [...GRANT_TYPES]
      document.token_endpoint_auth_methods_supported = [...AUTH_METHODS]
    }
    if (introspectionPath !== undefined) {
      document.introspection_endpoint = new URL(introspectionPath, issuerUrl.origin).href
      document.introspection_endpoint_auth_methods_supported = [...AUTH_METHODS]
    }
    return document
  }

  /** What an active token's introspection answer says about it. */
  const describe = async (token: string, key: VerifiedKey): Promise<Record<string, unknown>> => {
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
      // `createdAt` is the parent key's: the token's own `iat` comes from its claims.
      delete answer.iat
      if (tokens?.name === key.kind && typeof tokens.verify === 'function') {
        const claims = await tokens.verify(token).catch(() => undefined)
        if (claims !== undefined) answer.iat = Math.floor(claims.issuedAt / 1000)
      }
      answer.iss = issuer
      if (tokens?.audience !== undefined) answer.aud = tokens.audience
    }
    return answer
  }

  const introspect = async (request: ManagementRequest, scope: string) => {
    const { parameters, credentials } = readForm(request, maxBodyBytes, realm)
    const caller = await authenticateClient(keyward, authenticator, request, credentials)
    if (!isSubsetOf([scope], caller.scopes)) {
      const denied = new InsufficientScopeError([scope], [scope], { realm })
      const challenge =
        credentials.method === 'bearer' ? (denied.headers() as Record<string, string>) : {}
      throw new OAuthRefusal('insufficient_scope', denied.message, 403, challenge)
    }
    const token = parameters.get('token')
    if (token === undefined) throw new OAuthRefusal('invalid_request', 'token is required.')
    let key: VerifiedKey
    try {
      key = await keyward.verify(token)
    } catch (error) {
      if (!(error instanceof KeywardError)) throw error
      if (error.status === 503 || error.status === 429) throw refusalOf(error, 'invalid_request')
      // RFC 7662 §2.2: whatever is wrong with it, the answer is only that it is not active.
      return oauthJson({ active: false })
    }
    return oauthJson(await describe(token, key))
  }

  return Object.freeze({
    issuer: issuer!,
    metadataPath,
    introspectionPath,
    maxBodyBytes,
    metadata,
    async handle(request: ManagementRequest): Promise<ManagementResponse> {
      const method = request.method.toUpperCase()
      try {
        if (request.path === metadataPath && (method === 'GET' || method === 'HEAD')) {
          return oauthJson(metadata())
        }
        if (request.path === introspectionPath && method === 'POST') {
          return await introspect(request, introspectionScope!)
        }
        throw new OAuthRefusal('invalid_request', 'No such OAuth endpoint.', 404)
      } catch (error) {
        if (error instanceof OAuthRefusal) return oauthError(error)
        throw error
      }
    },
  })
}
