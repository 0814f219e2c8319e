import { KeywardError, type KeywardErrorOptions, UnavailableError } from './errors.js'

/**
 * What a failed backend (store, revocation list, limiter, key source) becomes, decided once:
 * a `KeywardError` is already a decision and passes through as it is; anything else (a
 * driver's or the network's error, corrupt data) becomes `UnavailableError(message)` — 503,
 * fail closed — with it as `cause`.
 */
export function unavailable(
  error: unknown,
  message: string,
  options: KeywardErrorOptions = {},
): KeywardError {
  if (error instanceof KeywardError) return error
  return new UnavailableError(message, { ...options, cause: error })
}

/** Awaits `work`; a failure rejects as {@link unavailable} decides (with `message`). */
export async function fromBackend<T>(
  work: () => T | Promise<T>,
  message: string,
  options?: KeywardErrorOptions,
): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw unavailable(error, message, options)
  }
}
