import type { TokenStore } from '@keyward/core'

/**
 * Counts `store.touch` calls (`lastUsedAt` writes, off the request path), so a case that counts
 * the commands a request sends can tell those background writes apart. Returns the count so far.
 */
export function countTouches(store: TokenStore): () => number {
  let touches = 0
  const touch = store.touch.bind(store)
  store.touch = (id, lastUsedAt) => {
    touches++
    return touch(id, lastUsedAt)
  }
  return () => touches
}
