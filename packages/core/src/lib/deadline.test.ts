import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withinDeadline } from './deadline.js'

/** A promise settled from outside, as a reply on the wire. */
function reply<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

describe('withinDeadline', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('settles as the work does when it answers in time, and never calls the late hooks', async () => {
    const late = vi.fn()
    const settledLate = vi.fn()
    const ok = reply<number>()
    const answered = withinDeadline(ok.promise, 100, {
      expired: () => new Error('x'),
      late,
      settledLate,
    })
    ok.resolve(7)
    await expect(answered).resolves.toBe(7)
    const failing = reply<number>()
    const refused = withinDeadline(failing.promise, 100, {
      expired: () => new Error('x'),
      late,
      settledLate,
    })
    failing.reject(new Error('refused'))
    await expect(refused).rejects.toThrow('refused')
    await vi.advanceTimersByTimeAsync(200)
    expect(late).not.toHaveBeenCalled()
    expect(settledLate).not.toHaveBeenCalled()
  })

  it('rejects with expired() at the deadline; a late value goes to late, after settledLate', async () => {
    const calls: string[] = []
    const work = reply<string>()
    const answered = withinDeadline(work.promise, 100, {
      expired: () => new Error('did not answer in 100 ms'),
      late: (value) => calls.push(`late ${value}`),
      settledLate: () => calls.push('settled'),
    })
    const outcome = expect(answered).rejects.toThrow('did not answer in 100 ms')
    await vi.advanceTimersByTimeAsync(100)
    await outcome
    expect(calls).toEqual([])
    work.resolve('landed')
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toEqual(['settled', 'late landed'])
  })

  it('tells settledLate of a late failure, gives late nothing, and hands a throwing late to onLateError', async () => {
    const settledLate = vi.fn()
    const late = vi.fn()
    const failing = reply<number>()
    const first = withinDeadline(failing.promise, 50, {
      expired: () => new Error('t'),
      late,
      settledLate,
    })
    const firstOutcome = expect(first).rejects.toThrow('t')
    await vi.advanceTimersByTimeAsync(50)
    await firstOutcome
    failing.reject(new Error('late failure'))
    await vi.advanceTimersByTimeAsync(0)
    expect(settledLate).toHaveBeenCalledTimes(1)
    expect(late).not.toHaveBeenCalled()

    const onLateError = vi.fn()
    const work = reply<number>()
    const second = withinDeadline(work.promise, 50, {
      expired: () => new Error('t'),
      late: () => {
        throw new Error('undo failed')
      },
      onLateError,
    })
    const secondOutcome = expect(second).rejects.toThrow('t')
    await vi.advanceTimersByTimeAsync(50)
    await secondOutcome
    work.resolve(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(onLateError).toHaveBeenCalledWith(new Error('undo failed'))
  })
})
