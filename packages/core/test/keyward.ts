import { MemoryTokenStore } from '../src/backends/memory-token-store.js'
import { createKeyward, type KeywardOptions } from '../src/keyward.js'
import type { ScopeCatalog } from '../src/scopes.js'
import type { TokenStore } from '../src/types.js'

/** Where every hand-driven clock of the core tests starts. */
export const T0 = Date.UTC(2026, 10, 26)
export const DAY = 86_400_000

/**
 * A keyward (prefix `kw_live`) on a hand-driven clock starting at {@link T0}: move
 * `clock.now` to move time. `options` override the defaults; `store` is the one in use.
 */
export function clockedKeyward<S extends string>(
  scopes: ScopeCatalog<S>,
  options: Partial<KeywardOptions<S>> = {},
) {
  const clock = { now: T0 }
  const now = () => clock.now
  const store = options.store ?? new MemoryTokenStore()
  const keyward = createKeyward({ prefix: 'kw_live', scopes, store, now, ...options })
  return { keyward, clock, now, store }
}

/** A store that records every call with its arguments, in order. */
export function recordingStore(inner: TokenStore) {
  const calls: [string | symbol, ...unknown[]][] = []
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push([property, ...args])
        return value.apply(target, args)
      }
    },
  })
  return { store, calls }
}
