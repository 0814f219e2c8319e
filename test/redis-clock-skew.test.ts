import { createKeyward, isKeywardError, type Keyward, type RevocationList } from '@keyward/core'
import type { RevocationEvent } from '@keyward/core/adapter'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from './support/processes.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'

// Two instances of one application share Redis, but one host's clock runs 3 s ahead. Keys'
// createdAt and revoke-all epochs must come from one clock (Redis TIME), or keys created on
// the fast host survive a revoke-all made on the other, and keys created on the other host
// right after a revoke-all made on the fast one are dead on arrival.
const SKEW = 3_000
const OWNER = 'org_skew'

let admin: Redis
const namespaces: string[] = []
const open = new Set<{ keyward: Keyward; redis: Redis }>()

interface Instance {
  keyward: Keyward
  revocations: RedisRevocationList
}

/** A Keyward instance on its own connection, whose whole clock is `now`. */
async function instance(namespace: string, now: () => number): Promise<Instance> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  const revocations = new RedisRevocationList(redis, { namespace, now, onError: () => {} })
  const keyward = createKeyward({
    prefix: 'kw_test',
    now,
    store: new RedisTokenStore(redis, { namespace, now }),
    revocations,
    onError: () => {},
  })
  open.add({ keyward, redis })
  await keyward.ready()
  return { keyward, revocations }
}

/** Instance A on a clock `SKEW` ms ahead, instance B on the true clock, sharing one namespace. */
async function skewedPair(): Promise<{ a: Instance; b: Instance }> {
  const namespace = testNamespace('clock-skew')
  namespaces.push(namespace)
  const a = await instance(namespace, () => Date.now() + SKEW)
  const b = await instance(namespace, () => Date.now())
  return { a, b }
}

/** Resolves once `list` delivered an event that `matches` (set up before the action). */
function nextEvent(list: RevocationList, matches: (event: RevocationEvent) => boolean) {
  return new Promise<void>((resolve) => {
    const stop = list.subscribe((event) => {
      if (!matches(event)) return
      stop()
      resolve()
    })
  })
}

/** What `verify` answered: `'verified'`, or the error code. */
async function outcome(keyward: Keyward, token: string): Promise<string> {
  try {
    await keyward.verify(token)
    return 'verified'
  } catch (error) {
    return isKeywardError(error) ? error.code : String(error)
  }
}

const createKey = (keyward: Keyward, ownerId = OWNER) =>
  keyward.keys.create({ name: 'skewed', ownerId, scopes: ['projects:read'], expiresIn: '1d' })

beforeAll(async () => {
  admin = await connectRedis()
})

afterEach(async () => {
  for (const { keyward, redis } of open) {
    await keyward.close()
    redis.disconnect()
  }
  open.clear()
  for (const namespace of namespaces.splice(0)) await deleteNamespace(admin, namespace)
})

afterAll(async () => {
  await admin?.quit()
})

describe('two instances whose clocks disagree by 3 s, sharing Redis', () => {
  it("lets no key created on the fast instance escape the other's revoke-all", async () => {
    const { a, b } = await skewedPair()
    const { token: ownerKey, key } = await createKey(a.keyward)
    const { token: otherKey } = await createKey(a.keyward, 'org_bystander')
    // Its createdAt is the shared clock's, not the fast host's.
    expect(key.createdAt).toBeLessThanOrEqual(await b.revocations.time())
    for (const { keyward } of [a, b]) {
      expect(await outcome(keyward, ownerKey)).toBe('verified')
      expect(await outcome(keyward, otherKey)).toBe('verified')
    }

    const ownerEpoch = nextEvent(a.revocations, (e) => e.type === 'revoked_owner')
    await b.keyward.keys.revokeAll({ ownerId: OWNER })
    await ownerEpoch
    for (const { keyward } of [a, b]) {
      expect(await outcome(keyward, ownerKey)).toBe('revoked_token')
      expect(await outcome(keyward, otherKey)).toBe('verified')
    }

    const globalEpoch = nextEvent(a.revocations, (e) => e.type === 'revoked_all')
    await b.keyward.keys.revokeAll()
    await globalEpoch
    for (const { keyward } of [a, b]) {
      expect(await outcome(keyward, ownerKey)).toBe('revoked_token')
      expect(await outcome(keyward, otherKey)).toBe('revoked_token')
    }
  })

  it('lets a key created on the other instance after the fast one’s revoke-all verify on both', async () => {
    const { a, b } = await skewedPair()
    const heard = Promise.all([
      nextEvent(b.revocations, (e) => e.type === 'revoked_owner'),
      nextEvent(b.revocations, (e) => e.type === 'revoked_all'),
    ])
    const { revokedBefore: ownerEpoch } = await a.keyward.keys.revokeAll({ ownerId: OWNER })
    const { revokedBefore: globalEpoch } = await a.keyward.keys.revokeAll()
    await heard

    // Both epochs are instants of the shared clock, not of the fast host's.
    const after = await b.revocations.time()
    expect(ownerEpoch).toBeLessThanOrEqual(after)
    expect(globalEpoch).toBeLessThanOrEqual(after)
    // A revoke-all ends keys created in its own millisecond too: let the shared clock move on.
    await waitFor(
      'the shared clock to pass the epochs',
      async () => (await b.revocations.time()) > after,
      {
        timeoutMs: 1_000,
        intervalMs: 1,
      },
    )

    const { token, key } = await createKey(b.keyward)
    expect(key.createdAt).toBeGreaterThan(Math.max(ownerEpoch, globalEpoch))
    for (const { keyward } of [a, b]) expect(await outcome(keyward, token)).toBe('verified')
  })
})
