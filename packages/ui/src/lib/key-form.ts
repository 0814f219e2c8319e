import type { ApiKeysStrings } from '../strings.js'
import { DAY_S, NAME_MAX } from './form-choices.js'
import type { FieldErrors, FormField } from './form-errors.js'
import type { CreditsInput, RateLimitInput } from './management-client.js'
import { expiryOf, expiryRange, formatDate } from './time.js'

// Reading a dialog's form: each reader returns what the request will send and adds to `errors`
// what the page refuses before sending anything.

/** A key's limits as the form gives them, `undefined` where left empty. */
export interface KeyLimits {
  rate: RateLimitInput | undefined
  credits: CreditsInput | undefined
}

/** What `readExpiry` needs besides the form: the words, and the longest lifetime (seconds). */
export interface ExpiryContext {
  strings: ApiKeysStrings
  locale: string | undefined
  maxLifetime: number
}

/** The trimmed name; required, at most {@link NAME_MAX} characters. */
export function readName(data: FormData, errors: FieldErrors, strings: ApiKeysStrings): string {
  const name = String(data.get('name') ?? '').trim()
  if (name === '') errors.name = strings.nameRequired
  else if (name.length > NAME_MAX) errors.name = strings.nameTooLong
  return name
}

/** The expiry chosen: a preset as `expiresIn`, or a custom day within the lifetime as `expiresAt`. */
export function readExpiry(
  data: FormData,
  errors: FieldErrors,
  { strings, locale, maxLifetime }: ExpiryContext,
): { expiresIn: number } | { expiresAt: string } {
  const choice = String(data.get('expiration') ?? 'custom')
  if (choice !== 'custom') return { expiresIn: Number(choice) * DAY_S }
  const now = Date.now()
  const day = String(data.get('date') ?? '')
  const range = expiryRange(now, maxLifetime)
  const at = expiryOf(day, now, maxLifetime)
  if (at) return { expiresAt: at.toISOString() }
  if (day === '') errors.expiration = strings.dateRequired
  else if (day > range.max) {
    const last = expiryOf(range.max, now, maxLifetime) ?? now
    errors.expiration = strings.dateTooLate(formatDate(last, locale))
  } else errors.expiration = strings.dateTooEarly
  return { expiresAt: '' }
}

/** The limits fieldset's values, `undefined` where left empty. */
export function readLimits(
  data: FormData,
  errors: FieldErrors,
  strings: ApiKeysStrings,
): KeyLimits {
  const count = (input: FormField, min: number) => readCount(data, input, min, errors, strings)
  const limit = count('rateLimit', 1)
  const remaining = count('credits', 0)
  const amount = count('refill', 1)
  if (amount !== undefined && remaining === undefined) {
    errors.refill ??= strings.refillNeedsCredits
  }
  const seconds = (input: string) => Number(data.get(input))
  return {
    rate: limit === undefined ? undefined : { limit, window: seconds('rateWindow') },
    credits:
      remaining === undefined
        ? undefined
        : amount === undefined
          ? { remaining }
          : { remaining, refill: { amount, interval: seconds('refillEvery') } },
  }
}

/** A whole number typed in `input`: `undefined` when empty, an error below `min` or when not whole. */
function readCount(
  data: FormData,
  input: FormField,
  min: number,
  errors: FieldErrors,
  strings: ApiKeysStrings,
): number | undefined {
  const text = String(data.get(input) ?? '').trim()
  if (text === '') return undefined
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < min) errors[input] ??= strings.wholeNumber(min)
  return value
}
