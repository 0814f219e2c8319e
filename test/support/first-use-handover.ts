import { expect } from 'vitest'
import type { KeywardProcess } from './keyward-process.js'
import { sleep } from './processes.js'

async function expectVerifies(instance: KeywardProcess, token: string) {
  const reply = await instance.verify(token)
  if (!reply.ok) expect.fail(`expected the token to verify, got ${reply.error.code}`)
  return reply.value
}

/**
 * The first-use hand-over across processes (issue 25), on whatever backend `a` and `b` share:
 * after `rotate(..., { until: 'first-use' })` on A, B keeps accepting the old token it has
 * cached; the successor's first verification on A makes B refuse it within `boundMs`.
 */
export async function checkFirstUseHandover(
  a: KeywardProcess,
  b: KeywardProcess,
  boundMs: number,
): Promise<void> {
  const { token: oldToken, key } = await a.create({ ownerId: 'org_3', scopes: ['projects:read'] })
  await expectVerifies(b, oldToken)
  const rotated = await a.rotate(key.id, '1h', 'first-use')
  expect(rotated.key).toMatchObject({ rotatedFrom: key.id, pendingPredecessor: key.id })
  // B hears of the rotation (the old key's new end) and still accepts the old key.
  await sleep(100)
  await expectVerifies(b, oldToken)
  expect(await a.get(key.id)).toMatchObject({
    rotatedTo: rotated.key.id,
    rotatedUntil: 'first-use',
  })

  await expectVerifies(a, rotated.token)
  const { outcome } = await b.watch(oldToken, boundMs)
  expect((await outcome).code).toBe('revoked_token')
  expect(await expectVerifies(b, rotated.token)).toMatchObject({ id: rotated.key.id })
  expect(await a.get(key.id)).toBeUndefined()
  expect(await b.get(rotated.key.id)).not.toHaveProperty('pendingPredecessor')
}
