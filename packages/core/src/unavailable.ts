import { KeywardError, type KeywardErrorOptions, UnavailableError } from './errors.js'
import { withinDeadline } from './lib/deadline.js'

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

/** How long one backend call may keep its caller waiting, and what becomes of a reply after that. */
export interface BackendBound<T> {
  /**
   * Milliseconds the caller waits at most. Past them the call rejects `UnavailableError`
   * (503, `Retry-After`), while the backend call itself goes on: it cannot be recalled.
   */
  timeout: number
  /**
   * Receives what the call yields once its caller has given up on it, so a write that lands
   * late can be completed or undone. Default: nothing is done with it.
   */
  late?: (value: T) => void
  /** Receives a failure of `late`. Default: it is dropped. */
  onError?: (error: unknown) => void
}

/**
 * Awaits `work`; a failure rejects as {@link unavailable} decides (with `message`). With a
 * `bound`, waits at most `bound.timeout` ms, then rejects `UnavailableError` saying the
 * backend did not answer in time; a value that arrives later goes to `bound.late`.
 */
export async function fromBackend<T>(
  work: () => T | Promise<T>,
  message: string,
  options?: KeywardErrorOptions,
  bound?: BackendBound<T>,
): Promise<T> {
  try {
    const pending = work()
    if (bound === undefined || !(pending instanceof Promise)) return await pending
    return await withinDeadline(pending, bound.timeout, {
      expired: () =>
        new UnavailableError(`${message} It did not answer within ${bound.timeout} ms.`, options),
      late: bound.late,
      onLateError: bound.onError,
    })
  } catch (error) {
    throw unavailable(error, message, options)
  }
}
