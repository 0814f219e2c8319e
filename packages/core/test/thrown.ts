import { KeywardError } from '../src/errors.js'

/**
 * The `KeywardError` `run` throws synchronously, as a request's refusal found before any I/O
 * (an authenticator's or a guard's); anything else thrown, or nothing, fails the test.
 */
export function thrown(run: () => unknown): KeywardError {
  try {
    run()
  } catch (error) {
    if (error instanceof KeywardError) return error
    throw error
  }
  throw new Error('expected a KeywardError')
}
