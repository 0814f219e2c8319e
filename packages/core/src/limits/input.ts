import { durationToMs } from '../duration.js'
import { InvalidArgumentError } from '../errors.js'
import type { KeyCredits, RateLimit } from '../types.js'
import { CREDITS_POLICY } from './policy.js'

/**
 * Per-key limits as lifecycle input and deployment options give them: checked field by field
 * into what is stored, each failure naming its field.
 */

/** A rate limit as lifecycle input takes it: `window` in seconds or a duration string. */
export interface RateLimitInput {
  /** Shown in the headers; `[a-z0-9_.-]`, 1–32 characters, unique per key; `credits` is reserved. Default `'default'`. */
  name?: string
  /** Requests (cost units) allowed per window, 1–1e9. */
  limit: number
  /** The window: whole seconds, or `'1m'`, `'1h'`, `'1d'`; 1 s to 366 days. */
  window: number | string
}

/** Credits as lifecycle input takes them; `interval` in seconds or a duration string. */
export interface CreditsInput {
  /** The balance granted now, 0–1e12. Setting it again (on update) replaces the balance. */
  remaining: number
  /** Optional refill: every `interval`, the balance is raised to `amount` (never lowered). */
  refill?: { amount: number; interval: number | string }
}

/** What a rate limit's name looks like. */
export const RATE_LIMIT_NAME: RegExp = /^[a-z0-9_.-]{1,32}$/
const NAME = RATE_LIMIT_NAME
/** The most rate limits a key carries. */
export const MAX_RATE_LIMITS = 8
/** The largest `limit` of a rate limit. */
export const MAX_LIMIT = 1e9
/** The largest credit balance or refill amount. */
export const MAX_CREDITS = 1e12
/** The longest rate-limit window or refill interval, in milliseconds (366 days). */
export const MAX_WINDOW = 366 * 86_400_000

function wholeSeconds(value: unknown, field: string): number {
  const ms = durationToMs(value)
  if (ms === undefined || ms < 1000 || ms > MAX_WINDOW || ms % 1000 !== 0) {
    throw new InvalidArgumentError(
      field,
      `${field} must be whole seconds (1 s to 366 days) or a duration like "1m", "1h", "30d".`,
    )
  }
  return ms
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `${field} must be an integer from ${min} to ${max}.`)
  }
  return value
}

function plainObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(field, `${field} must be an object.`)
  }
  return value as Record<string, unknown>
}

function noOtherFields(object: Record<string, unknown>, allowed: readonly string[], at: string) {
  for (const field of Object.keys(object)) {
    if (!allowed.includes(field)) {
      throw new InvalidArgumentError(`${at}.${field}`, `${at}.${field} is not a known field.`)
    }
  }
}

/**
 * Parses `rateLimits` lifecycle input (an array; empty means "no limits", overriding
 * deployment defaults), or throws `InvalidArgumentError` naming the field (`rateLimits[0].window`).
 */
export function parseRateLimits(value: unknown, field = 'rateLimits'): RateLimit[] {
  if (!Array.isArray(value) || value.length > MAX_RATE_LIMITS) {
    throw new InvalidArgumentError(
      field,
      `${field} must be an array of at most ${MAX_RATE_LIMITS} limits.`,
    )
  }
  const names = new Set<string>()
  return value.map((item, i) => {
    const at = `${field}[${i}]`
    const input = plainObject(item, at)
    noOtherFields(input, ['name', 'limit', 'window'], at)
    const name = input.name ?? 'default'
    if (typeof name !== 'string' || !NAME.test(name) || name === CREDITS_POLICY) {
      throw new InvalidArgumentError(
        `${at}.name`,
        `${at}.name must be 1–32 characters of a-z 0-9 _ . - (not "${CREDITS_POLICY}").`,
      )
    }
    if (names.has(name)) throw new InvalidArgumentError(`${at}.name`, `${at}.name is repeated.`)
    names.add(name)
    return {
      name,
      limit: integerIn(input.limit, `${at}.limit`, 1, MAX_LIMIT),
      window: wholeSeconds(input.window, `${at}.window`),
    }
  })
}

/**
 * Parses `credits` lifecycle input into what is stored, granted at `at` (epoch ms), or
 * throws `InvalidArgumentError` naming the field (`credits.refill.interval`).
 */
export function parseCredits(value: unknown, at: number, field = 'credits'): KeyCredits {
  const input = plainObject(value, field)
  noOtherFields(input, ['remaining', 'refill'], field)
  const credits: KeyCredits = {
    remaining: integerIn(input.remaining, `${field}.remaining`, 0, MAX_CREDITS),
    grantedAt: at,
  }
  if (input.refill !== undefined) {
    const refill = plainObject(input.refill, `${field}.refill`)
    noOtherFields(refill, ['amount', 'interval'], `${field}.refill`)
    credits.refill = {
      amount: integerIn(refill.amount, `${field}.refill.amount`, 1, MAX_CREDITS),
      interval: wholeSeconds(refill.interval, `${field}.refill.interval`),
    }
  }
  return credits
}

/** Validates deployment defaults (`createKeyward({ rateLimits })`), throwing `TypeError`. */
export function configRateLimits(value: unknown): RateLimit[] | undefined {
  if (value === undefined) return undefined
  try {
    return parseRateLimits(value)
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw new TypeError(`${error.field} must be valid: ${error.message}`)
    }
    throw error
  }
}
