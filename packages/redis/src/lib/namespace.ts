const NAMESPACE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/

/** The namespace both Redis classes use when none is given. */
export const DEFAULT_NAMESPACE = 'keyward'

/**
 * Validates a namespace and returns its hash tag `{ns}`. Every key starts with the tag, so
 * Redis Cluster puts them all in one slot and a script or `MULTI` may touch any of them.
 * Braces are refused because they would change which part of a key is the tag.
 */
export function hashTag(namespace: unknown): string {
  const value = namespace ?? DEFAULT_NAMESPACE
  if (typeof value !== 'string' || !NAMESPACE_PATTERN.test(value)) {
    throw new TypeError('namespace must be 1–64 characters of A-Z, a-z, 0-9, _ . : -')
  }
  return `{${value}}`
}
