import {
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidTokenError,
  KeywardError,
} from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject } from '../../lib/options.js'
import { missingScopes } from '../../scopes.js'
import type { AccessTokenIssuer, TokenClaims, VerifiedKey } from '../../types.js'
import { type ManagementRequest, type ManagementResponse, maxBodyBytesOption } from '../request.js'
import { answerOAuthRequest, type RequestCharge } from './charge.js'
import { authenticateClient, createOAuthContext, type OAuthContext } from './client.js'
import {
  ACCESS_TOKEN_TYPE,
  type ClientCredentials,
  GRANT_TYPES,
  isFormRequest,
  JWT_TOKEN_TYPE,
  jsonObjectOf,
  OAuthRefusal,
  oauthJson,
  readForm,
  refusalOf,
  TOKEN_EXCHANGE_GRANT,
} from './protocol.js'

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
  /**
   * Whether the endpoint answers `request` at its path, rather than the management API's JSON
   * form: a `POST` with a form body (a body labelled as a form that is a JSON object without
   * `grant_type` is the JSON form, as `curl -d '{…}'` sends it), and an OAuth client's request
   * with any other method (405). A request presenting a Bearer API key or a principal with
   * another method is the management API's, which answers it as any of its paths (404).
   */
  accepts(request: ManagementRequest): boolean
  /** Answers one token request: RFC 6749 §5.1, or a §5.2 error. Only bugs reject. */
  handle(request: ManagementRequest): Promise<ManagementResponse>
}

/** What the grants share: the OAuth context, and the issuer of the tokens. */
interface TokenContext extends OAuthContext {
  readonly issuer: OAuthAccessTokens
}

/** One token request as the grants take it: read, its client not yet verified. */
interface TokenRequest {
  readonly request: ManagementRequest
  readonly parameters: Map<string, string>
  readonly credentials: ClientCredentials
  /** What the request is charged; a refusal gives it back. */
  readonly charge: RequestCharge
}

/** A grant: verifies what the request presents and answers the token. */
type Grant = (ctx: TokenContext, token: TokenRequest) => Promise<ManagementResponse>

/**
 * Builds the RFC 6749 token endpoint over an access-token issuer, for OAuth clients:
 *
 * - form bodies (`application/x-www-form-urlencoded`), parameters as RFC 6749 §3.2 says
 *   (empty ones are omitted, repeated ones refused, unknown ones ignored); a JSON body is
 *   `invalid_request` saying so;
 * - `grant_type=client_credentials`: the client is an API key, `client_id` its key id and
 *   `client_secret` the key itself, sent by HTTP Basic (`client_secret_basic`), in the body
 *   (`client_secret_post`) or as a Bearer token;
 * - `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693): the API key is
 *   the `subject_token` (`subject_token_type` `…:token-type:access_token`); client
 *   authentication is optional but, when given, must be the same key; `actor_token` is
 *   refused; the answer names `issued_token_type`;
 * - `scope` narrows the token to scopes the key holds (`invalid_scope` otherwise);
 * - a request costs the key's limits once (the client's key, or the subject's when no client
 *   authenticates), and nothing when refused;
 * - errors as RFC 6749 §5.2 (`invalid_request`, `invalid_client` with 401 and a challenge in
 *   the scheme the client used, `invalid_grant`, `invalid_scope`, `unsupported_grant_type`,
 *   RFC 8693's `invalid_target`; any method but `POST` is 405 with `Allow: POST`), every
 *   answer `Cache-Control: no-store`.
 */
export function createTokenEndpoint<S extends string>(
  keyward: Keyward<S>,
  options: TokenEndpointOptions,
): TokenEndpoint {
  assertObject(options)
  const issuer = options.accessTokens
  assertImplements(issuer, 'accessTokens', ['issueAccessToken'])
  const ctx: TokenContext = {
    ...createOAuthContext(keyward, maxBodyBytesOption(options.maxBodyBytes)),
    issuer,
  }
  return Object.freeze({
    accepts: isTokenEndpointRequest,
    handle: (request: ManagementRequest) => answerTokenRequest(ctx, request),
  })
}

/** See {@link TokenEndpoint.accepts}. */
function isTokenEndpointRequest(request: ManagementRequest): boolean {
  if (request.method.toUpperCase() !== 'POST') return !isManagementCaller(request)
  if (!isFormRequest(request)) return false
  const json = jsonObjectOf(request.body)
  return json === undefined || 'grant_type' in json
}

/** Whether `request` comes as a management caller: a Bearer API key, or a principal. */
function isManagementCaller(request: ManagementRequest): boolean {
  if (request.apiKey !== undefined || request.principal != null) return true
  const scheme = request.header?.('authorization')?.trim().split(' ', 1)[0]
  return scheme?.toLowerCase() === 'bearer'
}

/** Each grant type of {@link GRANT_TYPES}, and the grant that answers it. */
const GRANTS: ReadonlyMap<string, Grant> = new Map<(typeof GRANT_TYPES)[number], Grant>([
  ['client_credentials', clientCredentialsGrant],
  [TOKEN_EXCHANGE_GRANT, tokenExchangeGrant],
])

/** The dispatch: the method, the form, then the grant its `grant_type` names. */
function answerTokenRequest(
  ctx: TokenContext,
  request: ManagementRequest,
): Promise<ManagementResponse> {
  return answerOAuthRequest(async (charge) => {
    if (request.method.toUpperCase() !== 'POST') {
      throw new OAuthRefusal('invalid_request', 'The token endpoint takes POST.', 405, {
        allow: 'POST',
      })
    }
    const { parameters, credentials } = readForm(request, ctx.maxBodyBytes, ctx.realm)
    const grantType = parameters.get('grant_type')
    if (grantType === undefined)
      throw new OAuthRefusal('invalid_request', 'grant_type is required.')
    const grant = GRANTS.get(grantType)
    if (grant === undefined) {
      throw new OAuthRefusal(
        'unsupported_grant_type',
        `grant_type must be one of ${GRANT_TYPES.join(', ')}.`,
      )
    }
    return grant(ctx, { request, parameters, credentials, charge })
  })
}

/** RFC 6749 §4.4: a token for the authenticated client's own key. */
async function clientCredentialsGrant(
  ctx: TokenContext,
  { request, parameters, credentials, charge }: TokenRequest,
): Promise<ManagementResponse> {
  const key = await authenticateClient(ctx, request, credentials, charge)
  const scopes = requestedScopes(ctx, parameters.get('scope'), key)
  const issued = await issueToken(ctx, key, scopes, 'invalid_grant')
  return tokenAnswer(issued, {})
}

/**
 * RFC 8693: a token for the API key given as `subject_token`. An authenticated client must be
 * that key; the request is charged on the client then, else on the subject, never twice.
 */
async function tokenExchangeGrant(
  ctx: TokenContext,
  { request, parameters, credentials, charge }: TokenRequest,
): Promise<ManagementResponse> {
  const { subjectToken, issuedType } = exchangeParameters(parameters, ctx.issuer.audience)
  const client =
    credentials.method === 'none'
      ? undefined
      : await authenticateClient(ctx, request, credentials, charge)
  const subject = await verifySubject(
    ctx,
    subjectToken,
    client === undefined ? charge : undefined,
    request.clientIp,
  )
  const clientId = client?.id ?? credentials.clientId
  if (clientId !== undefined && clientId !== subject.id) {
    throw new OAuthRefusal('invalid_request', 'A client may exchange only its own API key.')
  }
  const scopes = requestedScopes(ctx, parameters.get('scope'), subject)
  const issued = await issueToken(ctx, subject, scopes, 'invalid_request')
  return tokenAnswer(issued, { issued_token_type: issuedType })
}

/** The RFC 8693 §2.1 parameters of an exchange, checked before any credential is verified. */
function exchangeParameters(
  parameters: Map<string, string>,
  audience: string | undefined,
): { subjectToken: string; issuedType: string } {
  const subjectToken = parameters.get('subject_token')
  if (subjectToken === undefined) {
    throw new OAuthRefusal('invalid_request', 'subject_token is required.')
  }
  if (parameters.get('subject_token_type') !== ACCESS_TOKEN_TYPE) {
    throw new OAuthRefusal(
      'invalid_request',
      `subject_token_type must be ${ACCESS_TOKEN_TYPE}: the subject token is an API key.`,
    )
  }
  if (parameters.has('actor_token') || parameters.has('actor_token_type')) {
    throw new OAuthRefusal('invalid_request', 'Delegation (actor_token) is not supported.')
  }
  const issuedType = parameters.get('requested_token_type') ?? ACCESS_TOKEN_TYPE
  if (issuedType !== ACCESS_TOKEN_TYPE && issuedType !== JWT_TOKEN_TYPE) {
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
  return { subjectToken, issuedType }
}

/**
 * The exchange's subject, an API key as it stands now. It is charged (on `charge`) only when
 * no client authenticated: an authenticated client was charged already, and may only be the
 * subject itself. Its suspension and network rules (for `clientIp`) apply: whoever presents
 * it acts with it.
 */
async function verifySubject(
  ctx: TokenContext,
  subjectToken: string,
  charge: RequestCharge | undefined,
  clientIp: string | undefined,
): Promise<VerifiedKey> {
  let subject: VerifiedKey
  try {
    const cost = charge === undefined ? 0 : 1
    const verified = await ctx.keyward.verify(
      subjectToken,
      clientIp === undefined ? { cost } : { cost, clientIp },
    )
    subject = await ctx.keyward.recheck(
      charge === undefined ? verified : charge.hold(verified),
      clientIp,
    )
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
  return subject
}

/** The `scope` parameter as grants the catalog declares and `key` holds. */
function requestedScopes(
  ctx: TokenContext,
  scope: string | undefined,
  key: VerifiedKey,
): string[] | undefined {
  if (scope === undefined) return undefined
  let scopes: string[]
  try {
    scopes = ctx.keyward.scopes.validateGrants(scope.split(' ').filter(Boolean), 'scope')
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

/** Mints the token, the issuer's refusals as OAuth errors (`expired`: for a key about to expire). */
async function issueToken(
  ctx: TokenContext,
  key: VerifiedKey,
  scopes: string[] | undefined,
  expired: 'invalid_grant' | 'invalid_request',
): Promise<Awaited<ReturnType<AccessTokenIssuer['issueAccessToken']>>> {
  try {
    return await ctx.issuer.issueAccessToken(key, scopes === undefined ? {} : { scopes })
  } catch (error) {
    if (error instanceof InsufficientScopeError) {
      throw new OAuthRefusal('invalid_scope', error.message)
    }
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

/** RFC 6749 §5.1: the issued token, `extra` (RFC 8693's `issued_token_type`) after its first field. */
function tokenAnswer(
  issued: Awaited<ReturnType<AccessTokenIssuer['issueAccessToken']>>,
  extra: Record<string, string>,
): ManagementResponse {
  return oauthJson({
    access_token: issued.accessToken,
    ...extra,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: issued.scopes.join(' '),
  })
}
