import { isValidPrefix, KeywardError, parseToken, tokenHint } from '@keyward/core'

/** What `keyward check` found out about a token, offline. Never contains the token. */
export type TokenCheck =
  | { valid: true; prefix: string; hint: string }
  | { valid: false; reason: string }

/**
 * Whether `token` is a well-formed Keyward token: prefix (one of `prefixes` when given, else
 * any valid prefix), length, alphabet and CRC-32 checksum. Offline: no store is asked, so a
 * well-formed token may still be unknown, expired or revoked.
 */
export function checkToken(token: string, prefixes: readonly string[] = []): TokenCheck {
  const split = token.lastIndexOf('_')
  const prefix = split > 0 ? token.slice(0, split) : ''
  if (!isValidPrefix(prefix)) {
    return { valid: false, reason: 'It has no valid prefix (like kw_live_).' }
  }
  if (prefixes.length > 0 && !prefixes.includes(prefix)) {
    return { valid: false, reason: `Its prefix is not ${prefixes.join(' or ')}.` }
  }
  try {
    const parsed = parseToken(token, new Set([prefix]))
    return { valid: true, prefix: parsed.prefix, hint: tokenHint(parsed.prefix, parsed.secret) }
  } catch (error) {
    // Core's messages never repeat the token.
    if (error instanceof KeywardError) return { valid: false, reason: error.message }
    throw error
  }
}
