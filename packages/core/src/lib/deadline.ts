/**
 * A bounded wait on a promise that cannot be cancelled (a command already on the wire, a
 * statement already running): the caller stops waiting at the deadline, the work goes on,
 * and whatever it yields after that is handed to `late` instead of to the caller, so the
 * caller of the caller can complete or undo what landed.
 */

/** Milliseconds a bound may be, at most: what `setTimeout` takes without overflowing. */
export const MAX_DEADLINE_MS = 2_147_483_647

/**
 * Settles as `work` does if it settles within `ms`; else rejects with `expired()` at `ms`.
 * A value `work` yields after that goes to `late` (a failure after that goes nowhere: there
 * is nothing to complete or undo). `late` throwing is caught and handed to `onLateError`.
 */
export function withinDeadline<T>(
  work: Promise<T>,
  ms: number,
  expired: () => Error,
  late?: (value: T) => void,
  onLateError: (error: unknown) => void = () => {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let overdue = false
    const timer = setTimeout(() => {
      overdue = true
      reject(expired())
    }, ms)
    work.then(
      (value) => {
        if (!overdue) {
          clearTimeout(timer)
          resolve(value)
          return
        }
        if (late === undefined) return
        try {
          late(value)
        } catch (error) {
          onLateError(error)
        }
      },
      (error: unknown) => {
        if (overdue) return
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
