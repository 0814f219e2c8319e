import { challengeValue, KeywardError } from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import type { VerifiedKey } from '../../types.js'
import { type Authenticator, createAuthenticator } from '../authenticate.js'
import type { ManagementRequest } from '../request.js'
import type { RequestCharge } from './charge.js'
import {
  anyChallenge,
  basicChallenge,
  type ClientCredentials,
  OAuthRefusal,
  refusalOf,
} from './protocol.js'

/**
 * What every OAuth endpoint builds once and its request steps share: the instance, how a
 * Bearer client is authenticated, the challenge realm and the body limit.
 */
export interface OAuthContext {
  readonly keyward: Keyward<string>
  readonly authenticator: Authenticator
  readonly realm: string
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number
}

/** The {@link OAuthContext} of an endpoint over `keyward`. */
export function createOAuthContext<S extends string>(
  keyward: Keyward<S>,
  maxBodyBytes: number,
): OAuthContext {
  return {
    keyward: keyward as unknown as Keyward<string>,
    // Preflights are not let through: the OAuth endpoints answer no cross-origin requests.
    authenticator: createAuthenticator(keyward, { passPreflight: false }),
    realm: keyward.realm,
    maxBodyBytes,
  }
}

/**
 * Verifies the client's credentials: the secret is an API key (not an access token) whose
 * id is `client_id`, re-checked now that the body has arrived. Verifying charges the key's
 * limits, held on `charge` (a key an earlier middleware verified was charged there, and is
 * held the same way). The key's suspension and network rules (for `request.clientIp`) apply
 * as on any request. Failures are `invalid_client` (401, challenging the scheme the client
 * used); `none` is refused too.
 */
export async function authenticateClient(
  ctx: OAuthContext,
  request: ManagementRequest,
  credentials: ClientCredentials,
  charge: RequestCharge,
): Promise<VerifiedKey> {
  if (credentials.method === 'none') {
    throw new OAuthRefusal(
      'invalid_client',
      'Client authentication is required: HTTP Basic, client_secret_post or a Bearer API key.',
      401,
      anyChallenge(ctx.realm),
    )
  }
  try {
    const presented =
      credentials.method === 'bearer'
        ? (request.apiKey ??
          (await ctx.authenticator(
            { method: request.method, header: (name) => request.header?.(name) },
            request.clientIp,
          )))
        : await ctx.keyward.verify(
            credentials.secret,
            request.clientIp === undefined ? undefined : { clientIp: request.clientIp },
          )
    if (presented === undefined)
      throw clientRefusal(ctx, credentials, 'Client authentication failed.')
    charge.hold(presented)
    if (presented.kind !== 'api_key') {
      throw clientRefusal(
        ctx,
        credentials,
        'An access token is not a client credential: authenticate with the API key.',
      )
    }
    if (credentials.clientId !== undefined && credentials.clientId !== presented.id) {
      throw clientRefusal(ctx, credentials, 'client_id does not match the client secret.')
    }
    return await ctx.keyward.recheck(presented, request.clientIp)
  } catch (error) {
    if (error instanceof KeywardError) {
      if (error.status === 503 || error.status === 429) throw refusalOf(error, 'invalid_client')
      throw clientRefusal(ctx, credentials, error.message, error)
    }
    throw error
  }
}

/**
 * `invalid_client` (401), challenging the scheme the client used: `Basic` for a Basic or body
 * secret, else the Bearer challenge of the verifier's `error` (or `invalid_token`).
 */
function clientRefusal(
  ctx: OAuthContext,
  credentials: ClientCredentials,
  message: string,
  error?: KeywardError,
): OAuthRefusal {
  if (credentials.method !== 'bearer') {
    return new OAuthRefusal('invalid_client', message, 401, basicChallenge(ctx.realm))
  }
  const headers = error?.headers() as Record<string, string | undefined> | undefined
  const challenge =
    headers?.['www-authenticate'] ??
    `Bearer realm="${challengeValue(ctx.realm)}", error="invalid_token"`
  return new OAuthRefusal('invalid_client', message, 401, { 'www-authenticate': challenge })
}
