import {
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidTokenError,
  KeywardError,
} from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject, positiveIntegerOption } from '../../lib/options.js'
import { missingScopes } from '../../scopes.js'
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
export const GRANT_TYPES = ['client_credentials', TOKEN_EXCHANGE_GRANT] as const
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

/** The `maxBodyBytes` option of the OAuth endpoints, checked; default `16_384`. */
export function bodyLimit(value: unknown): number {
  const limit = value ?? DEFAULT_MAX_BODY_BYTES
  return positiveIntegerOption(limit, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES)
}
