import { InvalidArgumentError, KeywardError } from '../src/errors.js'

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

/**
 * The field and message of the `InvalidArgumentError` `run` throws synchronously (bad input);
 * anything else thrown, or nothing, fails the test.
 */
export function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      return { field: error.field as string, message: error.message }
    }
    throw error
  }
  throw new Error('expected an InvalidArgumentError, but the input was accepted')
}
