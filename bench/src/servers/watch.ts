/**
 * The check loop of process B in the revocation cases (4 and 8), the same for Keyward's change
 * and for the bare message it is compared with, so both pay the same loop.
 */
import { isKeywardError } from '@keyward/core'
import { toParent, wallClock } from '../child.js'

/**
 * Runs `check` (a verification of the armed token, as a request would make it) on every turn
 * of the event loop, and sends `{ type: 'rejected', at, code }` once it fails (code: the
 * error's) or, when `arrived` is given, once `arrived()` is true after a check (code
 * `'message'`). A check answered by a promise (one that needed the store) is awaited: the
 * refusal counts when it answers, as a request's would.
 */
export function watch(check: () => unknown, arrived?: () => boolean): void {
  const report = (code: string) => toParent({ type: 'rejected', at: wallClock(), code })
  const refused = (error: unknown) => report(isKeywardError(error) ? error.code : 'error')
  const next = () => {
    if (arrived?.()) report('message')
    else setImmediate(turn)
  }
  const turn = () => {
    let result: unknown
    try {
      result = check()
    } catch (error) {
      refused(error)
      return
    }
    if (result instanceof Promise) result.then(next, refused)
    else next()
  }
  setImmediate(turn)
}

/** Whether a bare message's payload (`{"id": …}`) names `id`: what any consumer of it must read. */
export function names(payload: string | undefined, id: string | undefined): boolean {
  return (JSON.parse(payload ?? '{}') as { id?: string }).id === id
}
