import { request } from 'node:http'
import type { Keyward } from '@keyward/core'

/**
 * Requests whose body arrives late: the headers go first, the server authenticates the
 * caller on them, something changes the caller's state, and only then is the body sent.
 * A server that decides on the caller's state as it was when the headers arrived acts for
 * a caller that no longer may (DESIGN.md, "Guarantees of revocation").
 */

/** A Keyward whose `check` calls are observed, to learn when a caller was authenticated. */
export interface WatchedKeyward {
  /** `keyward` itself in every respect but `check`, which also reports to the watch. Hand this to the adapter. */
  readonly keyward: Keyward<string>
  /**
   * Resolves once a `check` of `token` that starts after this call has settled (verified or
   * refused), or resolves `false` when none has within `timeoutMs`.
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
  // A frozen object cannot be proxied with another `check`, but it can be a prototype:
  // the adapter's `assertKeyward` and every other member read through to the real one.
  const watched: Keyward<string> = Object.create(keyward, {
    check: {
      value: (token: string, requirement?: Parameters<Keyward['check']>[1]) => {
        let result: ReturnType<Keyward['check']>
        try {
          result = keyward.check(token, requirement)
        } catch (error) {
          settled(token)
          throw error
        }
        if (result instanceof Promise) {
          // `finally` runs before the adapter's own continuation, so wait one more turn.
          void result.then(
            () => setImmediate(settled, token),
            () => setImmediate(settled, token),
          )
        } else setImmediate(settled, token)
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

/** A request sent with {@link sendWithLateBody}. */
export interface LateBodyRequest {
  /** The full URL. */
  url: string
  method: string
  headers: Record<string, string>
  /** The body, sent last. */
  body: string
  /**
   * Runs once the headers are on the wire and before the body is: await the server's
   * authentication here, then change the caller's state.
   */
  beforeBody(): Promise<void>
}

/**
 * Sends a request with `node:http` (fetch sends headers and body together), holding the body
 * back until `beforeBody` has settled. The answer comes back as a fetch `Response`.
 */
export function sendWithLateBody({
  url,
  method,
  headers,
  body,
  beforeBody,
}: LateBodyRequest): Promise<Response> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request(
      url,
      {
        method,
        // No keep-alive: the connection ends with the answer, so closing the server never waits.
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        answered = true
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const answerHeaders = new Headers()
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of Array.isArray(value) ? value : [value ?? '']) {
              answerHeaders.append(name, one)
            }
          }
          const status = res.statusCode ?? 0
          const text = Buffer.concat(chunks)
          resolve(
            new Response(status === 204 || text.length === 0 ? null : text, {
              status,
              headers: answerHeaders,
            }),
          )
        })
      },
    )
    // A server that answers before the body (it refused the headers) may reset the
    // connection while the body is written; the answer is what counts then.
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    req.flushHeaders()
    beforeBody().then(
      () => req.end(body),
      (error: unknown) => {
        req.destroy()
        reject(error)
      },
    )
  })
}
