import type { Keyward } from '../../keyward.js'

/**
 * Requests whose body arrives late need to know when the server authenticated the caller on
 * its headers: only then may the caller's state change, before the body is sent. A server
 * that decides on the caller's state as it was when the headers arrived acts for a caller
 * that no longer may (DESIGN.md, "Guarantees of revocation").
 */

/** A Keyward whose `check` calls are observed, to learn when a caller was authenticated. */
export interface WatchedKeyward {
  /** `keyward` itself in every respect but `check`, which also reports to the watch. Hand this to the adapter. */
  readonly keyward: Keyward<string>
  /**
   * Resolves `true` once a `check` of `token` that starts after this call has settled
   * (verified or refused), or `false` when none has within `timeoutMs`.
   */
  nextCheck(token: string, timeoutMs: number): Promise<boolean>
}

/** Wraps `keyward` so that the checks the adapter makes with it can be awaited. */
export function watchChecks(keyward: Keyward<string>): WatchedKeyward {
  const waiting = new Map<string, Set<() => void>>()
  const settled = (token: string) => {
    for (const wake of waiting.get(token) ?? []) wake()
    waiting.delete(token)
  }
  // The adapter's own continuation after `check` runs in a later microtask; a timer runs
  // after all of them, so the watch reports a check the adapter has acted on.
  const settledLater = (token: string) => setTimeout(settled, 0, token)
  // A frozen object cannot be proxied with another `check`, but it can be a prototype:
  // the adapter's `assertKeyward` and every other member read through to the real one.
  const watched: Keyward<string> = Object.create(keyward, {
    check: {
      value: (
        token: string,
        ...rest: Parameters<Keyward['check']> extends [string, ...infer R] ? R : never
      ) => {
        let result: ReturnType<Keyward['check']>
        try {
          // Every argument passes through: the cost, and the client address network rules judge.
          result = keyward.check(token, ...rest)
        } catch (error) {
          settled(token)
          throw error
        }
        if (result instanceof Promise) {
          void result.then(
            () => settledLater(token),
            () => settledLater(token),
          )
        } else settledLater(token)
        return result
      },
    },
  })
  return {
    keyward: watched,
    nextCheck(token, timeoutMs) {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          resolve(true)
        }
        const timer = setTimeout(() => {
          waiting.get(token)?.delete(wake)
          resolve(false)
        }, timeoutMs)
        const wakers = waiting.get(token) ?? new Set()
        waiting.set(token, wakers.add(wake))
      })
    },
  }
}
