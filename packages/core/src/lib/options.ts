/**
 * Option validation for every Keyward package, each check written once with one message
 * style: `TypeError('<option> must be …')`, thrown at construction rather than on a request.
 * Private to core; the other packages reach it through `@keyward/core/adapter`.
 */
/** The `onError` every component uses when none is given: one `console.error` line. */
export const logError = (error: unknown): void => console.error('keyward:', error)

/** Throws `TypeError('<option> must be an object')` unless `value` is a non-null object. */
export function assertObject(value: unknown, option = 'options'): asserts value is object {
  if (value === null || typeof value !== 'object')
    throw new TypeError(`${option} must be an object`)
}

/** `value`, or `fallback` when `undefined`; throws `TypeError('<option> must be a boolean')`. */
export function booleanOption(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`${option} must be a boolean`)
  return value
}

/** `value`, or `fallback` when `undefined`; throws `TypeError('<option> must be a function')`. */
export function functionOption<F extends (...args: never[]) => unknown>(
  value: unknown,
  option: string,
  fallback: F,
): F
/**
 * `value`, or `undefined` when not given; throws `TypeError('<option> must be a function')`,
 * followed by `description` when given (`… of the request resolving to a Principal`).
 */
export function functionOption<F extends (...args: never[]) => unknown>(
  value: unknown,
  option: string,
  fallback?: undefined,
  description?: string,
): F | undefined
export function functionOption(
  value: unknown,
  option: string,
  fallback?: unknown,
  description?: string,
): unknown {
  if (value === undefined) return fallback
  if (typeof value !== 'function') {
    throw new TypeError(`${option} must be a function${description ? ` ${description}` : ''}`)
  }
  return value
}

/** The clock option `now` (default `Date.now`): a function returning epoch milliseconds. */
export function nowOption(value: unknown): () => number
/** The clock option `now`, `undefined` when not given (the component has a clock of its own). */
export function nowOption(value: unknown, optional: true): (() => number) | undefined
export function nowOption(value: unknown, optional = false): (() => number) | undefined {
  if (value === undefined) return optional ? undefined : Date.now
  if (typeof value !== 'function') {
    throw new TypeError('now must be a function returning epoch milliseconds')
  }
  return value as () => number
}

/** The `onError` option (default: {@link logError}), told about failures nobody awaits. */
export function onErrorOption(value: unknown): (error: unknown) => void {
  return functionOption<(error: unknown) => void>(value, 'onError', logError)
}

/**
 * Throws `TypeError('<option> must be a non-negative integer')` unless `value` is a safe
 * integer ≥ 0.
 */
export function assertNonNegativeInteger(value: unknown, option: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${option} must be a non-negative integer`)
  }
}

/** `value`, or `fallback` when `undefined`; a safe integer ≥ 0. */
export function nonNegativeIntegerOption(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback
  assertNonNegativeInteger(value, option)
  return value
}

/**
 * `value`, or `fallback` when `undefined`; a safe integer ≥ 1, else
 * `TypeError('<option> must be a positive integer')` (`… of <unit>` when `unit` is given).
 */
export function positiveIntegerOption(
  value: unknown,
  option: string,
  fallback: number,
  unit?: string,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${option} must be a positive integer${unit ? ` of ${unit}` : ''}`)
  }
  return value
}

/** `value`, or `fallback` when `undefined`; one of `allowed`, else `<option> must be 'a' or 'b'`. */
export function oneOfOption<const T extends string>(
  value: unknown,
  option: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if (!allowed.includes(value as T)) {
    const quoted = allowed.map((name) => `'${name}'`)
    const list =
      quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted[0]
    throw new TypeError(`${option} must be ${list}`)
  }
  return value as T
}

/** Whether `value` is an object with a function at each of `methods`. */
export function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (value === null || typeof value !== 'object') return false
  return methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
}

/**
 * Throws unless `value` is an object with a function at each of `methods`: with `message`,
 * `TypeError(message)`; else `TypeError('<option> must implement a, b (missing: …)')`.
 */
export function assertImplements(
  value: unknown,
  option: string,
  methods: readonly string[],
  message?: string,
): void {
  if (hasMethods(value, methods)) return
  if (message !== undefined) throw new TypeError(message)
  const missing = methods.filter(
    (method) => typeof (value as Record<string, unknown> | null)?.[method] !== 'function',
  )
  throw new TypeError(
    `${option} must implement ${methods.join(', ')} (missing: ${missing.join(', ')})`,
  )
}

/** Throws `TypeError('<name> must be a non-empty string')` unless `value` is one. */
export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string`)
  }
}

/** Throws `TypeError('<name> must be epoch milliseconds')` unless `value` is a safe integer ≥ 0. */
export function assertEpochMs(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be epoch milliseconds`)
  }
}
