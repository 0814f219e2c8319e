/**
 * `POST /token`: an API key mints an access token for itself. Two clients meet here: a JSON
 * body (`{ scope?, expiresIn? }`, Bearer API key) is answered by this route; a form body is an
 * OAuth token request, handed to core's RFC 6749 token endpoint, which authenticates the
 * client itself and answers RFC 6749 §5.2 errors.
 */
import { parseDuration } from '../../duration.js'
import { InvalidArgumentError, InvalidRequestError } from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import type { AccessTokenIssuer, VerifiedKey } from '../../types.js'
import { createTokenEndpoint, type TokenEndpoint } from '../oauth/token-endpoint.js'
import type { ManagementRequest, ManagementResponse } from '../request.js'
import { bodyFields } from './body.js'
import { assertCallerHolds, type ManagementContext } from './context.js'
import { jsonResponse } from './json.js'
import type { RouteOperation } from './operation.js'

/** The JSON body fields of `POST /token`; the OpenAPI request schema is built from this list. */
export const TOKEN_FIELDS = ['scope', 'expiresIn'] as const
/** `AccessTokenIssuer` option names → the `POST /token` body fields they come from. */
const ISSUER_FIELDS: Partial<Record<string, string>> = { ttl: 'expiresIn', scopes: 'scope' }

/** What the OpenAPI document says of `POST /token`, in both its forms. */
export const TOKEN_OPERATION: RouteOperation = {
  operationId: 'mintAccessToken',
  summary: 'Mint a short-lived access token',
  description:
    'Two clients meet here. A JSON body (`{ scope?, expiresIn? }`) with a Bearer API key mints ' +
    'a token for that key (no manage scope needed; an access token cannot mint another, 400); ' +
    'errors are problem+json. A form body is an OAuth token request (RFC 6749 ' +
    '`client_credentials`, the key id as `client_id` and the key as `client_secret`, by HTTP ' +
    'Basic, in the body or as a Bearer token; or RFC 8693 token exchange with the key as ' +
    '`subject_token`, client authentication optional); errors are RFC 6749 §5.2 JSON. `scope` ' +
    'narrows the token to scopes the key holds. Served only when the API mints access tokens.',
  tag: 'Access tokens',
  body: {
    json: 'AccessTokenRequest',
    form: ['ClientCredentialsGrant', 'TokenExchangeGrant'],
    required: false,
  },
  success: {
    status: 200,
    description: 'The access token (RFC 6749 §5.1).',
    schema: 'TokenResponse',
  },
  refusals: [405],
  errors: 'both',
}

/** The token route of a management API whose `accessTokens` option is set. */
export interface TokenRoute {
  /**
   * The OAuth token endpoint's answer when `request` is an OAuth token request (a form body
   * at `/token`, whatever the method: the endpoint refuses what it does not take); else
   * `undefined`, and the request goes through the route table like any other.
   */
  answerOAuth(request: ManagementRequest): Promise<ManagementResponse> | undefined
  /** Answers the JSON form for `key`, the caller as re-checked just now. */
  mint(key: VerifiedKey, body: unknown): Promise<ManagementResponse>
}

/**
 * Builds the token route over `issuer`. The OAuth endpoint is built on the first request at
 * `/token`, so an API whose clients never send a form pays nothing for it, and the management
 * API need not know how OAuth clients authenticate.
 */
export function createTokenRoute<S extends string>(
  keyward: Keyward<S>,
  ctx: ManagementContext,
  issuer: AccessTokenIssuer,
  maxBodyBytes: number,
): TokenRoute {
  let endpoint: TokenEndpoint | undefined
  return {
    answerOAuth(request) {
      if (request.path.replaceAll('/', '') !== 'token') return undefined
      endpoint ??= createTokenEndpoint(keyward, { accessTokens: issuer, maxBodyBytes })
      return endpoint.accepts(request) ? endpoint.handle(request) : undefined
    },
    mint: (key, body) => mintAccessToken(ctx, issuer, key, body),
  }
}

/**
 * The JSON form of `POST /token`: an access token for `key`, narrowed to the `scope` it asks
 * for (scopes the key holds) and living `expiresIn`. An access token cannot mint another (400).
 */
async function mintAccessToken(
  ctx: ManagementContext,
  issuer: AccessTokenIssuer,
  key: VerifiedKey,
  body: unknown,
): Promise<ManagementResponse> {
  if (key.kind !== 'api_key') {
    throw new InvalidRequestError(
      'Access tokens are minted with an API key, not another access token.',
      { realm: ctx.realm },
    )
  }
  const input = bodyFields(body, TOKEN_FIELDS)
  let scopes: string[] | undefined
  if (input.scope !== undefined) {
    if (typeof input.scope !== 'string' || input.scope.trim() === '') {
      throw new InvalidArgumentError('scope', 'scope must be a space-delimited list of scopes.')
    }
    scopes = ctx.scopes.validateGrants(input.scope.trim().split(/ +/), 'scope')
    assertCallerHolds(ctx, key, scopes)
  }
  if (input.expiresIn !== undefined) parseDuration(input.expiresIn, 'expiresIn')
  const ttl = input.expiresIn as number | string | undefined
  let issued: Awaited<ReturnType<AccessTokenIssuer['issueAccessToken']>>
  try {
    issued = await issuer.issueAccessToken(key, {
      ...(scopes === undefined ? {} : { scopes }),
      ...(ttl === undefined ? {} : { ttl }),
    })
  } catch (error) {
    throw renamedIssuerField(error)
  }
  return jsonResponse(
    200,
    {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scopes.join(' '),
    },
    { pragma: 'no-cache' },
  )
}

/**
 * The issuer names its own options; the client knows the body's field names. An
 * `InvalidArgumentError` about an issuer option comes back naming the body field instead;
 * any other error as it was.
 */
function renamedIssuerField(error: unknown): unknown {
  const field = error instanceof InvalidArgumentError ? ISSUER_FIELDS[error.field] : undefined
  if (field === undefined) return error
  const refusal = error as InvalidArgumentError
  const message = refusal.message.replaceAll(refusal.field, field)
  return new InvalidArgumentError(field, message, { cause: error })
}
