import {
  CHECKSUM_LENGTH,
  isValidPrefix,
  KeywardError,
  MAX_PREFIX_LENGTH,
  parseToken,
  SECRET_LENGTH,
  tokenHint,
} from '@keyward/core'

/** What `keyward check` found out about a token, offline. Never contains the token. */
export type TokenCheck =
  | { valid: true; prefix: string; hint: string }
  | { valid: false; reason: string }

/** The part of a malformed token that is wrong; the parts are checked in this order. */
export type MalformedPart = 'prefix' | 'length' | 'alphabet' | 'checksum'

/** A {@link TokenCheck} that also names the wrong part of a malformed token. */
export type TokenDiagnosis =
  | Extract<TokenCheck, { valid: true }>
  | { valid: false; part: MalformedPart; reason: string }

const BODY_LENGTH = SECRET_LENGTH + CHECKSUM_LENGTH
const NOT_BASE62 = /[^0-9A-Za-z]/

/**
 * Whether `token` is a well-formed Keyward token: prefix (one of `prefixes` when given, else
 * any valid prefix), length, alphabet and CRC-32 checksum. Offline: no store is asked, so a
 * well-formed token may still be unknown, expired or revoked. A malformed token's `reason`
 * says which part is wrong.
 */
export function checkToken(token: string, prefixes: readonly string[] = []): TokenCheck {
  return diagnoseToken(token, prefixes)
}

/**
 * {@link checkToken}, naming the first wrong part of a malformed token. Core's parser says
 * only "malformed" for most of them, so the parts are told apart here, in the order core
 * checks them; reasons never repeat the token or a part of it that may be secret.
 */
export function diagnoseToken(token: string, prefixes: readonly string[] = []): TokenDiagnosis {
  const malformed = (part: MalformedPart, reason: string): TokenDiagnosis => ({
    valid: false,
    part,
    reason,
  })
  if (token === '') return malformed('length', 'It is empty.')
  const split = token.lastIndexOf('_')
  const prefix = split > 0 ? token.slice(0, split) : ''
  if (!isValidPrefix(prefix)) {
    return malformed(
      'prefix',
      `It does not start with a prefix and _ (like kw_live_): a prefix is 1–${MAX_PREFIX_LENGTH} lowercase letters and digits, in words joined by _, starting with a letter.`,
    )
  }
  if (prefixes.length > 0 && !prefixes.includes(prefix)) {
    return malformed('prefix', `Its prefix is not ${prefixes.join(' or ')}.`)
  }
  const body = token.length - split - 1
  if (body !== BODY_LENGTH) {
    return malformed(
      'length',
      `The part after its last _ is ${body} characters long, not ${BODY_LENGTH} (${SECRET_LENGTH} of secret, ${CHECKSUM_LENGTH} of checksum).`,
    )
  }
  const stray = token.slice(split + 1).search(NOT_BASE62)
  if (stray >= 0) {
    return malformed(
      'alphabet',
      `Character ${split + 2 + stray} is not a letter or digit: after the last _ only 0-9, A-Z and a-z are allowed.`,
    )
  }
  try {
    const parsed = parseToken(token, new Set([prefix]))
    return { valid: true, prefix: parsed.prefix, hint: tokenHint(parsed.prefix, parsed.secret) }
  } catch (error) {
    // Prefix, length and alphabet passed above: what core still refuses is the checksum.
    if (error instanceof KeywardError) {
      return malformed(
        'checksum',
        `Its checksum (the last ${CHECKSUM_LENGTH} characters) does not match the rest: a character is mistyped, or it is not a Keyward token.`,
      )
    }
    throw error
  }
}
