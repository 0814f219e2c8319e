import { generateToken } from './token.js'

/**
 * Tokens of another format (keys issued before Keyward, then imported): accepted only when
 * they match the deployment's explicit `legacyTokens` pattern, and only after the Keyward
 * shape test failed, so a Keyward token never pays for it.
 */

/** The longest legacy token accepted, in UTF-16 units: longer input is refused unread. */
export const MAX_LEGACY_TOKEN_LENGTH = 256

/** Tests a candidate legacy token; built once per instance from `legacyTokens`. */
export type LegacyTokenTest = (token: string) => boolean

/**
 * Checks the `legacyTokens` option and compiles its test. Throws `TypeError` unless it is a
 * `RegExp` without the `g` or `y` flag (their `lastIndex` would make the same token pass and
 * fail in turn) that matches no Keyward token of the accepted prefixes (checked on a freshly
 * generated token of each): the pattern names the foreign format only, so a Keyward token
 * with a typo is `malformed_token`, never a store read.
 */
export function compileLegacyTokens(
  pattern: unknown,
  prefixes: ReadonlySet<string>,
): LegacyTokenTest | undefined {
  if (pattern === undefined) return undefined
  if (!(pattern instanceof RegExp)) {
    throw new TypeError('legacyTokens must be a RegExp matching the tokens of the older format')
  }
  if (pattern.global || pattern.sticky) {
    throw new TypeError('legacyTokens must be a RegExp without the g or y flag')
  }
  for (const prefix of prefixes) {
    if (pattern.test(generateToken(prefix))) {
      throw new TypeError(
        `legacyTokens must not match Keyward tokens (it matches a ${prefix} token); anchor it to the older format, e.g. /^sk_[0-9a-f]{40}$/`,
      )
    }
  }
  const regex = new RegExp(pattern.source, pattern.flags)
  return function isLegacyToken(token: string): boolean {
    return token.length <= MAX_LEGACY_TOKEN_LENGTH && regex.test(token)
  }
}

/** The display hint of a legacy token: its first 4 characters and `…`. */
export function legacyTokenHint(token: string): string {
  return `${token.slice(0, 4)}…`
}
