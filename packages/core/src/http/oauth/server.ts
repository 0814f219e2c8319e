import {
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidTokenError,
  KeywardError,
} from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject, positiveIntegerOption } from '../../lib/options.js'
import { isScope, isSubsetOf, missingScopes } from '../../scopes.js'
import type { AccessTokenIssuer, TokenClaims, VerifiedKey } from '../../types.js'
import { createAuthenticator } from '../authenticate.js'
import type { ManagementRequest, ManagementResponse } from '../request.js'
import {
  authenticateClient,
  type ClientCredentials,
  isFormRequest,
  OAuthRefusal,
  oauthError,
  oauthJson,
  readForm,
  refusalOf,
} from './protocol.js'

/** RFC 8693 §3: the token type of a Keyward API key used as `subject_token`, and of what is issued. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** RFC 8693 §3: a JWT; an access token is one, so a client may ask for it by this name. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
/** RFC 8693 §2.1: the grant type of a token exchange. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'

/** The grant types the token endpoint answers. */
const GRANT_TYPES = ['client_credentials', TOKEN_EXCHANGE_GRANT] as const
/** The RFC 8414 names of the client authentication methods accepted. */
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const
const DEFAULT_MAX_BODY_BYTES = 16_384

/**
 * An access-token issuer as the OAuth endpoints use it: `@keyward/jwt`'s `createAccessTokens`
 * fits as it is. Beyond minting, what it tells is optional.
 */
export interface OAuthAccessTokens extends AccessTokenIssuer {
  /** The `iss` of its tokens: the default OAuth issuer identifier. */
  readonly issuer?: string
  /** The `aud` of its tokens: a token-exchange `audience` or `resource` must name it. */
  readonly audience?: string
  /** Its `VerifiedKey.kind` (`'access_token'`): introspection reads such tokens' `iat` through {@link verify}. */
  readonly name?: string
  /** Verifies one of its tokens, resolving to its claims (a core `TokenKind`'s `verify`). */
  verify?(token: string): Promise<TokenClaims>
}

/** Options of {@link createTokenEndpoint}. */
export interface TokenEndpointOptions {
  /** Mints the access tokens. Required. */
  accessTokens: OAuthAccessTokens
  /** Largest request body accepted, in bytes; larger ones answer 413. Default `16_384`. */
  maxBodyBytes?: number
}

/** The OAuth token endpoint, framework-free; `createManagementApi` serves it at `POST /token`. */
export interface TokenEndpoint {
  /** Whether `request` is an OAuth token request (a form body), rather than the JSON form. */
  accepts(request: ManagementRequest): boolean
  /** Answers one token request: RFC 6749 §5.1, or a §5.2 error. Only bugs reject. */
  handle(request: ManagementRequest): Promise<ManagementResponse>
}

/**
 * Builds the RFC 6749 token endpoint over an access-token issuer, for OAuth clients:
 *
 * - form bodies (`application/x-www-form-urlencoded`), parameters as RFC 6749 §3.2 says
 *   (empty ones are omitted, repeated ones refused, unknown ones ignored);
 * - `grant_type=client_credentials`: the client is an API key, `client_id` its key id and
 *   `client_secret` the key itself, sent by HTTP Basic (`client_secret_basic`), in the body
 *   (`client_secret_post`) or as a Bearer token;
 * - `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693): the API key is
 *   the `subject_token` (`subject_token_type` `…:token-type:access_token`); client
 *   authentication is optional but, when given, must be the same key; `actor_token` is
 *   refused; the answer names `issued_token_type`;
 * - `scope` narrows the token to scopes the key holds (`invalid_scope` otherwise);
 * - errors as RFC 6749 §5.2 (`invalid_request`, `invalid_client` with 401 and a challenge in
 *   the scheme the client used, `invalid_grant`, `invalid_scope`, `unsupported_grant_type`,
 *   RFC 8693's `invalid_target`), every answer `Cache-Control: no-store`.
 */
export function createTokenEndpoint<S extends string>(
  keyward: Keyward<S>,
  options: TokenEndpointOptions,
): TokenEndpoint {
  assertObject(options)
  const issuer = options.accessTokens
  assertImplements(issuer, 'accessTokens', ['issueAccessToken'])
  const maxBodyBytes = bodyLimit(options.maxBodyBytes)
  const catalog = keyward.scopes
  const realm = keyward.realm
  const authenticator = createAuthenticator(keyward, { passPreflight: false })
  const audience = issuer.audience

  /** The `scope` parameter as grants the catalog declares and `key` holds. */
  const requestedScopes = (scope: string | undefined, key: VerifiedKey): string[] | undefined => {
    if (scope === undefined) return undefined
    let scopes: string[]
    try {
      scopes = catalog.validateGrants(scope.split(' ').filter(Boolean), 'scope')
    } catch (error) {
      if (error instanceof InvalidArgumentError)
        throw new OAuthRefusal('invalid_scope', error.message)
      throw error
    }
    const missing = missingScopes(scopes, key.scopes)
    if (missing.length > 0) {
      throw new OAuthRefusal('invalid_scope', `The API key lacks the scope ${missing.join(' ')}.`)
    }
    return scopes
  }

  const issue = async (
    key: VerifiedKey,
    scopes: string[] | undefined,
    expired: 'invalid_grant' | 'invalid_request',
  ) => {
    try {
      return await issuer.issueAccessToken(key, scopes === undefined ? {} : { scopes })
    } catch (error) {
      if (error instanceof InsufficientScopeError)
        throw new OAuthRefusal('invalid_scope', error.message)
      if (error instanceof InvalidArgumentError) {
        throw new OAuthRefusal(
          error.field.startsWith('scope') ? 'invalid_scope' : 'invalid_request',
          error.message,
        )
      }
      if (error instanceof InvalidTokenError) throw refusalOf(error, expired)
      if (error instanceof KeywardError) throw refusalOf(error, 'invalid_request')
      throw error
    }
  }

  const clientCredentialsGrant = async (
    request: ManagementRequest,
    parameters: Map<string, string>,
    credentials: ClientCredentials,
  ) => {
    const key = await authenticateClient(keyward, authenticator, request, credentials)
    const scopes = requestedScopes(parameters.get('scope'), key)
    const issued = await issue(key, scopes, 'invalid_grant')
    return oauthJson({
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scopes.join(' '),
    })
  }

  const tokenExchangeGrant = async (
    request: ManagementRequest,
    parameters: Map<string, string>,
    credentials: ClientCredentials,
  ) => {
    const subjectToken = parameters.get('subject_token')
    if (subjectToken === undefined)
      throw new OAuthRefusal('invalid_request', 'subject_token is required.')
    const subjectType = parameters.get('subject_token_type')
    if (subjectType !== ACCESS_TOKEN_TYPE) {
      throw new OAuthRefusal(
        'invalid_request',
        `subject_token_type must be ${ACCESS_TOKEN_TYPE}: the subject token is an API key.`,
      )
    }
    if (parameters.has('actor_token') || parameters.has('actor_token_type')) {
      throw new OAuthRefusal('invalid_request', 'Delegation (actor_token) is not supported.')
    }
    const requestedType = parameters.get('requested_token_type') ?? ACCESS_TOKEN_TYPE
    if (requestedType !== ACCESS_TOKEN_TYPE && requestedType !== JWT_TOKEN_TYPE) {
      throw new OAuthRefusal(
        'invalid_request',
        `requested_token_type must be ${ACCESS_TOKEN_TYPE} or ${JWT_TOKEN_TYPE}.`,
      )
    }
    for (const target of ['audience', 'resource']) {
      const value = parameters.get(target)
      if (value !== undefined && value !== audience) {
        throw new OAuthRefusal(
          'invalid_target',
          `Access tokens are issued for one ${target}: leave ${target} out or name ${audience ?? 'it'}.`,
        )
      }
    }
    const client =
      credentials.method === 'none'
        ? undefined
        : await authenticateClient(keyward, authenticator, request, credentials)
    let subject: VerifiedKey
    try {
      subject = await keyward.recheck(await keyward.verify(subjectToken))
    } catch (error) {
      // RFC 8693 §2.2.2: an unusable subject token is `invalid_request`.
      if (error instanceof KeywardError) throw refusalOf(error, 'invalid_request')
      throw error
    }
    if (subject.kind !== 'api_key') {
      throw new OAuthRefusal(
        'invalid_request',
        'subject_token must be an API key, not an access token.',
      )
    }
    const clientId = client?.id ?? credentials.clientId
    if (clientId !== undefined && clientId !== subject.id) {
      throw new OAuthRefusal('invalid_request', 'A client may exchange only its own API key.')
    }
    const scopes = requestedScopes(parameters.get('scope'), subject)
    const issued = await issue(subject, scopes, 'invalid_request')
    return oauthJson({
      access_token: issued.accessToken,
      issued_token_type: requestedType,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scopes.join(' '),
    })
  }

  return Object.freeze({
    accepts: (request: ManagementRequest) =>
      request.method.toUpperCase() === 'POST' && isFormRequest(request),
    async handle(request: ManagementRequest): Promise<ManagementResponse> {
      try {
        if (request.method.toUpperCase() !== 'POST') {
          throw new OAuthRefusal('invalid_request', 'The token endpoint takes POST.', 405, {
            allow: 'POST',
          })
        }
        const { parameters, credentials } = readForm(request, maxBodyBytes, realm)
        const grantType = parameters.get('grant_type')
        if (grantType === undefined)
          throw new OAuthRefusal('invalid_request', 'grant_type is required.')
        if (grantType === 'client_credentials')
          return await clientCredentialsGrant(request, parameters, credentials)
        if (grantType === TOKEN_EXCHANGE_GRANT)
          return await tokenExchangeGrant(request, parameters, credentials)
        throw new OAuthRefusal(
          'unsupported_grant_type',
          `grant_type must be one of ${GRANT_TYPES.join(', ')}.`,
        )
      } catch (error) {
        if (error instanceof OAuthRefusal) return oauthError(error)
        throw error
      }
    },
  })
}

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

function bodyLimit(value: unknown): number {
  const limit = value ?? DEFAULT_MAX_BODY_BYTES
  return positiveIntegerOption(limit, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES)
}
