import { describe, expect, it, vi } from 'vitest'
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

  it('with a bound, answers unavailable once the timeout passes and hands a later value to late', async () => {
    let answer: (value: string) => void = () => {}
    const slow = new Promise<string>((resolve) => {
      answer = resolve
    })
    const late = vi.fn()
    const error = await fromBackend(() => slow, 'The key store is unavailable.', undefined, {
      timeout: 20,
      late,
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error).toMatchObject({
      code: 'unavailable',
      status: 503,
      message: 'The key store is unavailable. It did not answer within 20 ms.',
    })
    expect((error as UnavailableError).headers()).toEqual({ 'retry-after': '5' })
    expect(late).not.toHaveBeenCalled()
    answer('landed')
    await slow
    await Promise.resolve()
    expect(late).toHaveBeenCalledExactlyOnceWith('landed')
  })

  it('with a bound, passes an answer in time through and never calls late', async () => {
    const late = vi.fn()
    const bound = { timeout: 1_000, late }
    await expect(fromBackend(async () => 7, 'x', undefined, bound)).resolves.toBe(7)
    const failure = new Error('ECONNRESET')
    await expect(
      fromBackend(() => Promise.reject(failure), 'x', undefined, bound),
    ).rejects.toMatchObject({ code: 'unavailable', cause: failure })
    expect(late).not.toHaveBeenCalled()
  })

  it('hands a failure of late to onError', async () => {
    let answer: (value: number) => void = () => {}
    const slow = new Promise<number>((resolve) => {
      answer = resolve
    })
    const onError = vi.fn()
    const boom = new Error('undo failed')
    await expect(
      fromBackend(() => slow, 'x', undefined, {
        timeout: 5,
        late: () => {
          throw boom
        },
        onError,
      }),
    ).rejects.toMatchObject({ code: 'unavailable' })
    answer(1)
    await slow
    await Promise.resolve()
    expect(onError).toHaveBeenCalledExactlyOnceWith(boom)
  })
})
