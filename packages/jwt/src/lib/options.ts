import { challengeValue, DEFAULT_REALM, durationToMs, nowOption } from '@keyward/core/adapter'
import type { AccessTokenAlgorithm, AccessTokenVerificationOptions } from '../types.js'

/** The verification settings both factories share, validated once. */
export interface VerificationSettings {
  readonly issuer: string
  /** The first is written into new tokens; any of them verifies. */
  readonly audiences: readonly string[]
  readonly toleranceMs: number
  readonly now: () => number
  readonly realm: string
}

const SUPPORTED: readonly AccessTokenAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'HS256']
const DEFAULT_TOLERANCE_MS = 5_000

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== ''
}

/** Reads and checks the options of {@link AccessTokenVerificationOptions} except the key source. */
export function readVerificationSettings(
  options: AccessTokenVerificationOptions,
): VerificationSettings {
  if (!nonEmptyString(options.issuer)) throw new TypeError('issuer must be a non-empty string')
  const audience = options.audience
  const audiences = typeof audience === 'string' ? [audience] : audience
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every(nonEmptyString)) {
    throw new TypeError('audience must be a non-empty string or a non-empty array of them')
  }
  const now = nowOption(options.now ?? Date.now)
  const realm = options.realm ?? DEFAULT_REALM
  if (typeof realm !== 'string' || realm === '' || challengeValue(realm) !== realm) {
    throw new TypeError('realm must be a non-empty string of printable ASCII without " or \\')
  }
  const toleranceMs =
    options.clockTolerance === undefined
      ? DEFAULT_TOLERANCE_MS
      : durationToMs(options.clockTolerance)
  if (toleranceMs === undefined) {
    throw new TypeError(
      'clockTolerance must be a non-negative number of seconds or a duration like "5s"',
    )
  }
  return Object.freeze({
    issuer: options.issuer,
    audiences: Object.freeze([...audiences]),
    toleranceMs,
    now,
    realm,
  })
}

/**
 * The `algorithms` allow-list: what the user lists, limited to what the key source can
 * verify; by default everything it can verify.
 */
export function readAlgorithms(
  value: unknown,
  available: readonly AccessTokenAlgorithm[],
): AccessTokenAlgorithm[] {
  if (value === undefined) return [...available]
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((alg) => SUPPORTED.includes(alg as AccessTokenAlgorithm))
  ) {
    throw new TypeError(
      'algorithms must be a non-empty array of EdDSA, ES256, RS256, HS256 (never none)',
    )
  }
  const allowed = (value as AccessTokenAlgorithm[]).filter((alg) => available.includes(alg))
  if (allowed.length === 0) {
    throw new TypeError(`algorithms must include one the keys can verify: ${available.join(', ')}`)
  }
  return [...new Set(allowed)]
}
