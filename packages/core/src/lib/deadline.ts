/**
 * A bounded wait on a promise that cannot be cancelled (a command already on the wire, a
 * statement already running): the caller stops waiting at the deadline, the work goes on,
 * and whatever it yields after that is handed to `late` instead of to the caller, so the
 * caller of the caller can complete or undo what landed.
 */

/** Milliseconds a bound may be, at most: what `setTimeout` takes without overflowing. */
export const MAX_DEADLINE_MS = 2_147_483_647

/** What {@link withinDeadline} does at the deadline and with what comes after it. */
export interface Deadline<T> {
  /** The error the caller gets at the deadline. */
  expired: () => Error
  /** Receives a value `work` yields after the deadline (a late failure goes nowhere). */
  late?: ((value: T) => void) | undefined
  /** Told when overdue `work` finally settles, either way, before `late`. */
  settledLate?: (() => void) | undefined
  /** Receives a failure thrown by `late`. Default: it is dropped. */
  onLateError?: ((error: unknown) => void) | undefined
}

/**
 * Settles as `work` does if it settles within `ms`; else rejects with `deadline.expired()` at
 * `ms`, and what `work` yields after that goes to `deadline.late` instead of to the caller.
 */
export function withinDeadline<T>(work: Promise<T>, ms: number, deadline: Deadline<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let overdue = false
    const timer = setTimeout(() => {
      overdue = true
      reject(deadline.expired())
    }, ms)
    work.then(
      (value) => {
        if (!overdue) {
          clearTimeout(timer)
          resolve(value)
          return
        }
        deadline.settledLate?.()
        if (deadline.late === undefined) return
        try {
          deadline.late(value)
        } catch (error) {
          deadline.onLateError?.(error)
        }
      },
      (error: unknown) => {
        if (overdue) {
          deadline.settledLate?.()
          return
        }
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
