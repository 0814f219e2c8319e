import { describe, expect, it } from 'vitest'
import { InvalidTokenError, UnavailableError } from './errors.js'
import { fromBackend, unavailable } from './unavailable.js'

describe('unavailable', () => {
  it('turns a foreign failure into UnavailableError with it as cause', async () => {
    const failure = new Error('ECONNREFUSED')
    const error = unavailable(failure, 'The key store is unavailable.', { realm: 'api' })
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error).toMatchObject({ message: 'The key store is unavailable.', cause: failure })
    await expect(
      fromBackend(() => Promise.reject(failure), 'The key store is unavailable.'),
    ).rejects.toMatchObject({ code: 'unavailable', status: 503, cause: failure })
  })

  it("passes Keyward's own errors and results through", async () => {
    const own = new InvalidTokenError('unknown_token', 'The API key is not recognised.')
    expect(unavailable(own, 'The key store is unavailable.')).toBe(own)
    await expect(fromBackend(() => Promise.reject(own), 'x')).rejects.toBe(own)
    await expect(fromBackend(() => 42, 'x')).resolves.toBe(42)
  })
})
