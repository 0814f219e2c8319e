import { InvalidTokenError, KeywardError } from '@keyward/core'

/** What a failed claim check means to a client; the text never quotes the token. */
const CLAIM_MESSAGES: Readonly<Record<string, string>> = {
  iss: 'The access token comes from another issuer.',
  aud: 'The access token is meant for another audience.',
  nbf: 'The access token is not valid yet.',
  iat: 'The access token is not valid yet.',
  typ: 'The token is not an access token (typ must be at+jwt).',
}

/**
 * Turns a jose failure into the `KeywardError` core expects from a token kind: expired is
 * `expired_token`, anything else about the token is `malformed_token` (401 either way).
 * `KeywardError`s (thrown by the key sources) pass through unchanged.
 */
export function toKeywardError(error: unknown, realm: string): KeywardError {
  if (error instanceof KeywardError) return error
  const { code, claim, reason } = (error ?? {}) as {
    code?: unknown
    claim?: unknown
    reason?: unknown
  }
  const invalid = (message: string) =>
    new InvalidTokenError('malformed_token', message, { realm, cause: error })
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new InvalidTokenError('expired_token', 'The access token has expired.', {
        realm,
        cause: error,
      })
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing' && typeof claim === 'string') {
        return invalid(`The access token lacks the ${claim} claim.`)
      }
      return invalid(
        (typeof claim === 'string' ? CLAIM_MESSAGES[claim] : undefined) ??
          "The access token's claims are invalid.",
      )
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalid("The access token's signature is invalid.")
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return invalid("The access token's algorithm is not accepted.")
    default:
      return invalid('The access token is malformed.')
  }
}
