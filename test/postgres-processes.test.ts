import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkFirstUseHandover } from './support/first-use-handover.js'
import { type KeywardProcess, startKeywardProcess } from './support/keyward-process.js'
import {
  connectPostgres,
  createSchema,
  DATABASE_URL,
  dropSchema,
  testSchema,
} from './support/postgres-schema.js'
import { sleep } from './support/processes.js'

// Two Keyward instances, each in its own Node process, sharing one PostgreSQL schema and
// nothing else: what one changes must take effect on the other without either restarting.
const schema = testSchema('processes')
let pool: pg.Pool
let a: KeywardProcess
let b: KeywardProcess

const startInstance = () => startKeywardProcess({ databaseUrl: DATABASE_URL, schema })

beforeAll(async () => {
  pool = await connectPostgres()
  await createSchema(pool, schema)
  ;[a, b] = await Promise.all([startInstance(), startInstance()])
})

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  if (pool) {
    await dropSchema(pool, schema)
    await pool.end()
  }
})

/** How long an instance may take to learn of a change before the test fails. */
const PROPAGATION_BOUND_MS = 3_000

async function rejectionOn(instance: KeywardProcess, token: string, scopes?: string[]) {
  const { outcome } = await instance.watch(token, PROPAGATION_BOUND_MS, scopes)
  return (await outcome).code
}

async function expectVerifies(instance: KeywardProcess, token: string, scopes?: string[]) {
  const reply = await instance.verify(token, scopes === undefined ? {} : { scopes })
  if (!reply.ok) expect.fail(`expected the token to verify, got ${reply.error.code}`)
  return reply.value
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

async function expectRejected(instance: KeywardProcess, token: string) {
  const reply = await instance.verify(token)
  if (reply.ok) expect.fail('expected the token to be rejected, but it verified')
  return reply.error
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

describe('Keyward instances in separate processes sharing PostgreSQL', () => {
  it('verifies on B a key created on A, and rejects it on B once A revokes it', async () => {
    expect(new Set([a.pid, b.pid, process.pid]).size).toBe(3)
    const { token, key } = await a.create({ ownerId: 'org_1', scopes: ['projects:read'] })
    expect(await expectVerifies(b, token)).toMatchObject({ id: key.id, ownerId: 'org_1' })
    expect(await a.revoke(key.id)).toMatchObject({ ok: true, value: true })
    expect(await rejectionOn(b, token)).toBe('revoked_token')
  })

  it('rotation on A ends the old token on B and issues one B accepts', async () => {
    const { token, key } = await a.create({ ownerId: 'org_2', scopes: ['projects:read'] })
    await expectVerifies(b, token)
    const rotated = await a.rotate(key.id)
    expect(await rejectionOn(b, token)).toBe('revoked_token')
    expect(await expectVerifies(b, rotated.token)).toMatchObject({ id: rotated.key.id })
  })

  it('rotating until first use on A keeps the old token on B until the successor is used on A, then B refuses it', async () => {
    await checkFirstUseHandover(a, b, PROPAGATION_BOUND_MS)
  })

  it('narrowing scopes on A takes the scope away on B', async () => {
    const { token, key } = await a.create({
      ownerId: 'org_3',
      scopes: ['projects:read', 'projects:write'],
    })
    await expectVerifies(b, token, ['projects:write'])
    expect(await a.update(key.id, { scopes: ['projects:read'] })).toMatchObject({ ok: true })
    expect(await rejectionOn(b, token, ['projects:write'])).toBe('insufficient_scope')
    await expectVerifies(b, token, ['projects:read'])
  })

  it("revoking an owner's keys on A stops them on B, and only them", async () => {
    const mine = await a.create({ ownerId: 'org_4', scopes: ['projects:read'] })
    const stranger = await a.create({ ownerId: 'org_5', scopes: ['projects:read'] })
    await expectVerifies(b, mine.token)
    expect((await a.revokeAll('org_4')).ok).toBe(true)
    expect(await rejectionOn(b, mine.token)).toBe('revoked_token')
    await expectVerifies(b, stranger.token)
  })

  it('measures revocation time-to-effect on B against a bare NOTIFY seen by B', async () => {
    const trials = 30
    const channel = `kwtest_bare_${schema}`.slice(0, 60)
    await b.bareListen(channel)
    const revocation: number[] = []
    const bare: number[] = []
    for (let trial = 0; trial < trials; trial++) {
      const { token, key } = await a.create({ ownerId: 'org_timing', scopes: ['projects:read'] })
      await expectVerifies(b, token)
      const { outcome } = await b.watch(token, PROPAGATION_BOUND_MS)
      const revoked = await a.revoke(key.id)
      const seen = await outcome
      expect(seen.code).toBe('revoked_token')
      revocation.push(seen.at - revoked.at)

      const payload = `trial ${trial}`
      const notified = await a.bareNotify(channel, payload)
      bare.push((await b.bareSeen(payload)) - notified.at)
      await sleep(1)
    }
    const summary = (deltas: number[]) => {
      const sorted = [...deltas].sort((x, y) => x - y)
      return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`
    }
    console.log(
      `PostgreSQL over ${trials} trials: revocation time-to-effect (B rejects − A's revoke resolved) ${summary(revocation)}; bare NOTIFY (B sees − A's pg_notify resolved) ${summary(bare)}`,
    )
    // Correctness bound only; the ratio is the bench's business.
    expect(
      percentile(
        [...revocation].sort((x, y) => x - y),
        99,
      ),
    ).toBeLessThan(1_000)
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

  // Last: a global epoch revokes every key in the schema.
  it('revoking every key on A stops every owner on B', async () => {
    const keys = await Promise.all(
      ['org_6', 'org_7'].map((ownerId) => a.create({ ownerId, scopes: ['projects:read'] })),
    )
    for (const { token } of keys) await expectVerifies(b, token)
    expect((await a.revokeAll()).ok).toBe(true)
    for (const { token } of keys) expect(await rejectionOn(b, token)).toBe('revoked_token')
  })
})
