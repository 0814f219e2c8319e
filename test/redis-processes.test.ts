import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkFirstUseHandover } from './support/first-use-handover.js'
import { type KeywardProcess, startKeywardProcess } from './support/keyward-process.js'
import { sleep } from './support/processes.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'

// Three Keyward instances, each in its own Node process, sharing one Redis namespace: what
// one instance changes must take effect on the others without any of them restarting.
const namespace = testNamespace('processes')
let redis: Redis
let a: KeywardProcess
let b: KeywardProcess
let c: KeywardProcess

const startInstance = () => startKeywardProcess({ redisUrl: REDIS_URL, namespace })

beforeAll(async () => {
  redis = await connectRedis()
  ;[a, b, c] = await Promise.all([startInstance(), startInstance(), startInstance()])
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), c?.stop()])
  if (redis) {
    await deleteNamespace(redis, namespace)
    await redis.quit()
  }
})

/** How long an instance may take to learn of a change before the test fails. */
const PROPAGATION_BOUND_MS = 3_000

/** Verifies on `instance` in a tight loop until it fails; resolves to the error code. */
async function rejectionOn(instance: KeywardProcess, token: string): Promise<string | undefined> {
  const { outcome } = await instance.watch(token, PROPAGATION_BOUND_MS)
  return (await outcome).code
}

/** Asserts that `token` verifies on `instance` and resolves to the key it verified as. */
async function expectVerifies(instance: KeywardProcess, token: string, scopes?: string[]) {
  const reply = await instance.verify(token, scopes === undefined ? {} : { scopes })
  if (!reply.ok) expect.fail(`expected the token to verify, got ${reply.error.code}`)
  return reply.value
}

async function expectRejected(instance: KeywardProcess, token: string, scopes?: string[]) {
  const reply = await instance.verify(token, scopes === undefined ? {} : { scopes })
  if (reply.ok) expect.fail('expected the token to be rejected, but it verified')
  return reply.error
}

/** Verifies `token` on `instance` until it succeeds, at most {@link PROPAGATION_BOUND_MS}. */
async function eventuallyVerifies(instance: KeywardProcess, token: string) {
  const deadline = Date.now() + PROPAGATION_BOUND_MS
  let reply = await instance.verify(token)
  while (!reply.ok && Date.now() < deadline) {
    await sleep(5)
    reply = await instance.verify(token)
  }
  if (!reply.ok) expect.fail(`expected the token to verify again, still ${reply.error.code}`)
  return reply.value
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

describe('Keyward instances in separate processes sharing Redis', () => {
  it('runs each instance in a process of its own', () => {
    expect(new Set([a.pid, b.pid, c.pid, process.pid]).size).toBe(4)
  })

  it('verifies on B a key created on A, with the same identity and scopes', async () => {
    const { token, key } = await a.create({ ownerId: 'org_1', scopes: ['projects:read'] })
    const verified = await expectVerifies(b, token)
    expect(verified).toMatchObject({
      id: key.id,
      ownerId: 'org_1',
      scopes: ['projects:read'],
      expiresAt: key.expiresAt,
    })
    expect(await expectVerifies(c, token)).toMatchObject({ id: key.id })
  })

  it('rejects on B and C a key revoked on A, although both had it cached', async () => {
    const { token, key } = await a.create({ ownerId: 'org_1', scopes: ['projects:read'] })
    await expectVerifies(b, token)
    await expectVerifies(c, token)

    const revoked = await a.revoke(key.id)
    expect(revoked).toMatchObject({ ok: true, value: true })
    expect(await rejectionOn(b, token)).toBe('revoked_token')
    expect(await rejectionOn(c, token)).toBe('revoked_token')
    expect(await expectRejected(b, token)).toMatchObject({ code: 'revoked_token', status: 401 })
  })

  it('keeps the revocation for an instance started afterwards', async () => {
    const { token, key } = await a.create({ ownerId: 'org_1', scopes: ['projects:read'] })
    await a.revoke(key.id)
    const late = await startKeywardProcess({ redisUrl: REDIS_URL, namespace })
    try {
      expect(await expectRejected(late, token)).toMatchObject({ code: 'revoked_token' })
    } finally {
      await late.stop()
    }
  })

  it('rotating on A with no grace period ends the old token on B and issues one B accepts', async () => {
    const { token: oldToken, key } = await a.create({ ownerId: 'org_2', scopes: ['projects:read'] })
    await expectVerifies(b, oldToken)

    const rotated = await a.rotate(key.id)
    expect(await rejectionOn(b, oldToken)).toBe('revoked_token')
    const verified = await expectVerifies(b, rotated.token)
    expect(verified).toMatchObject({
      id: rotated.key.id,
      ownerId: 'org_2',
      expiresAt: key.expiresAt,
    })
    expect(rotated.key.id).not.toBe(key.id)
  })

  it('rotating until first use on A keeps the old token on B until the successor is used on A, then B refuses it', async () => {
    await checkFirstUseHandover(a, b, PROPAGATION_BOUND_MS)
  })

  it('rotating on A with a grace period keeps the old token working on B until the grace ends', async () => {
    const { token: oldToken, key } = await a.create({ ownerId: 'org_2', scopes: ['projects:read'] })
    expect((await expectVerifies(b, oldToken)).expiresAt).toBe(key.expiresAt)

    const rotated = await a.rotate(key.id, '1h')
    const graceEnd = (await a.get(key.id))!.expiresAt
    expect(graceEnd).toBeLessThan(key.expiresAt)
    expect(graceEnd).toBeGreaterThan(Date.now())

    // B dropped its cached copy on the update event: it now sees the shortened expiry.
    const deadline = Date.now() + PROPAGATION_BOUND_MS
    let seen = (await expectVerifies(b, oldToken)).expiresAt
    while (seen !== graceEnd && Date.now() < deadline) {
      await sleep(5)
      seen = (await expectVerifies(b, oldToken)).expiresAt
    }
    expect(seen).toBe(graceEnd)
    await expectVerifies(b, rotated.token)

    // One hour later on B's clock, the old token has expired and the new one still works.
    await b.advanceClock(3_600_000 + 1)
    try {
      expect(await expectRejected(b, oldToken)).toMatchObject({
        code: 'expired_token',
        status: 401,
      })
      await expectVerifies(b, rotated.token)
    } finally {
      await b.advanceClock(-(3_600_000 + 1))
    }
  })

  it('narrowing scopes on A makes B answer insufficient_scope for the scope taken away', async () => {
    const { token, key } = await a.create({
      ownerId: 'org_3',
      scopes: ['projects:read', 'projects:write'],
    })
    await expectVerifies(b, token, ['projects:write'])

    const updated = await a.update(key.id, { scopes: ['projects:read'] })
    expect(updated).toMatchObject({ ok: true, value: { scopes: ['projects:read'] } })

    const { outcome } = await b.watch(token, PROPAGATION_BOUND_MS, ['projects:write'])
    expect((await outcome).code).toBe('insufficient_scope')
    expect(await expectRejected(b, token, ['projects:write'])).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
    })
    expect((await expectVerifies(b, token, ['projects:read'])).scopes).toStrictEqual([
      'projects:read',
    ])
  })

  it("revoking all of an owner's keys on A stops them on B, and only them", async () => {
    const first = await a.create({ ownerId: 'org_4', scopes: ['projects:read'] })
    const second = await c.create({ ownerId: 'org_4', scopes: ['projects:write'] })
    const stranger = await a.create({ ownerId: 'org_5', scopes: ['projects:read'] })
    for (const { token } of [first, second, stranger]) await expectVerifies(b, token)

    const reply = await a.revokeAll('org_4')
    if (!reply.ok) expect.fail(reply.error.message)
    expect(await rejectionOn(b, first.token)).toBe('revoked_token')
    expect(await rejectionOn(b, second.token)).toBe('revoked_token')
    await expectVerifies(b, stranger.token)

    // The epoch covers keys created at or before it; a key created later works everywhere.
    while (Date.now() <= reply.value.revokedBefore) await sleep(1)
    const later = await a.create({ ownerId: 'org_4', scopes: ['projects:read'] })
    await expectVerifies(b, later.token)
  })

  it('measures how soon B rejects a key after revoke resolves on A', async () => {
    const trials = 50
    // Signed: negative when B already rejected before A's revoke call had returned.
    const deltas: number[] = []
    for (let trial = 0; trial < trials; trial++) {
      const { token, key } = await a.create({ ownerId: 'org_timing', scopes: ['projects:read'] })
      await expectVerifies(b, token)
      const { outcome } = await b.watch(token, PROPAGATION_BOUND_MS)
      const revoked = await a.revoke(key.id)
      const seen = await outcome
      expect(seen.code).toBe('revoked_token')
      deltas.push(seen.at - revoked.at)
    }
    deltas.sort((x, y) => x - y)
    const [p50, p99] = [percentile(deltas, 50), percentile(deltas, 99)]
    console.log(
      `revocation time-to-effect (B rejects − A's revoke resolved) over ${trials} trials: ` +
        `min ${deltas[0]!.toFixed(2)} ms, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${deltas.at(-1)!.toFixed(2)} ms`,
    )
    expect(p99).toBeLessThan(1_000)
  })

  it('suspending on A refuses on B within the revocation bound, and resuming on A admits on B again', async () => {
    const { token, key } = await a.create({ ownerId: 'org_8', scopes: ['projects:read'] })
    await expectVerifies(b, token) // cached on B
    const suspended = await a.suspend(key.id, 'unpaid invoice')
    if (!suspended.ok) expect.fail(`suspend failed on A: ${suspended.error.message}`)
    expect(suspended.value).toMatchObject({ id: key.id, suspendReason: 'unpaid invoice' })
    expect(typeof suspended.value.suspendedAt).toBe('number')
    // Within the bound a revocation has (the announcement may reach B a moment after A's reply).
    expect(await rejectionOn(b, token)).toBe('suspended_token')
    expect(await expectRejected(b, token)).toMatchObject({ code: 'suspended_token', status: 401 })

    const resumed = await a.resume(key.id)
    if (!resumed.ok) expect.fail(`resume failed on A: ${resumed.error.message}`)
    expect(resumed.value.suspendedAt).toBeUndefined()
    await eventuallyVerifies(b, token)
  })

  it('keeps suspensions and resumes across a restart of B, which still hears A afterwards', async () => {
    const held = await a.create({ ownerId: 'org_9', scopes: ['projects:read'] })
    const lifted = await a.create({ ownerId: 'org_9', scopes: ['projects:read'] })
    expect((await a.suspend(held.key.id)).ok).toBe(true)
    expect((await a.suspend(lifted.key.id)).ok).toBe(true)
    expect((await a.resume(lifted.key.id)).ok).toBe(true)

    await b.stop()
    b = await startInstance()
    expect(await expectRejected(b, held.token)).toMatchObject({ code: 'suspended_token' })
    await expectVerifies(b, lifted.token)
    expect((await a.resume(held.key.id)).ok).toBe(true)
    await eventuallyVerifies(b, held.token)
    expect((await a.suspend(lifted.key.id)).ok).toBe(true)
    expect(await rejectionOn(b, lifted.token)).toBe('suspended_token')
  })

  it('lets a revocation on A win over a later resume: B keeps refusing the key', async () => {
    const { token, key } = await a.create({ ownerId: 'org_10', scopes: ['projects:read'] })
    expect((await a.suspend(key.id)).ok).toBe(true)
    expect((await a.revoke(key.id)).ok).toBe(true)
    expect(await a.resume(key.id)).toMatchObject({ ok: false, error: { code: 'key_inactive' } })
    expect(await expectRejected(b, token)).toMatchObject({ code: 'revoked_token' })
  })

  // Last: a global epoch revokes every key in the namespace.
  it('revoking every key on A stops every owner on B and C', async () => {
    const keys = await Promise.all(
      ['org_6', 'org_7'].map((ownerId) => a.create({ ownerId, scopes: ['projects:read'] })),
    )
    for (const { token } of keys) await expectVerifies(b, token)

    const reply = await a.revokeAll()
    expect(reply.ok).toBe(true)
    for (const { token } of keys) {
      expect(await rejectionOn(b, token)).toBe('revoked_token')
      expect(await rejectionOn(c, token)).toBe('revoked_token')
    }
  })
})
