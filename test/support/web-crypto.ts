/**
 * Runs `build` as if on a real edge runtime, for tests in vitest's edge-runtime environment.
 * That environment swaps the globals but still exposes Node's `process` (vitest needs it), and
 * core reaches `node:crypto` through `process.getBuiltinModule` when building its hasher; hiding
 * it meanwhile makes what `build` creates hash with `crypto.subtle` instead.
 */
export function withoutNodeBuiltins<T>(build: () => T): T {
  const host = process as { getBuiltinModule?: unknown }
  const saved = host.getBuiltinModule
  host.getBuiltinModule = undefined
  try {
    return build()
  } finally {
    host.getBuiltinModule = saved
  }
}
