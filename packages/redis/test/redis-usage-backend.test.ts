import { createKeyward } from '@keyward/core'
import { usageBackendConformance } from '@keyward/core/testing'
import { RedisUsageBackend } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

let writer: Redis
const namespace = testNamespace()

beforeAll(async () => {
  writer = await connect()
})
afterAll(cleanUp)

usageBackendConformance('RedisUsageBackend', () => new RedisUsageBackend(writer, { namespace }))

it('writes a flush in one script, and a verification sends Redis nothing', async () => {
  const ns = testNamespace()
  const calls: string[] = []
  const counted = new Proxy(writer, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push(String(property))
        return value.apply(target, args)
      }
    },
  })
  const backend = new RedisUsageBackend(counted, { namespace: ns })
  const keyward = createKeyward({ prefix: 'kw_live', usage: { backend } })
  const { token, key } = await keyward.keys.create({
    name: 'CI',
    ownerId: 'org_1',
    scopes: [],
    expiresIn: '1d',
  })
  await keyward.verify(token)
  await keyward.usage!.flush()
  calls.length = 0
  for (let n = 0; n < 10_000; n++) {
    expect(keyward.check(token, undefined, 1, `203.0.113.${n % 7}`, 'curl/8.5')).toMatchObject({
      id: key.id,
    })
  }
  expect(calls).toEqual([])
  await keyward.usage!.flush()
  expect(calls).toEqual(['evalsha'])
  const { buckets } = await keyward.usage!.get(key.id, { granularity: 'day' })
  expect(buckets.at(-1)?.outcomes).toEqual({ valid: 10_001 })
  const read = await keyward.keys.get(key.id)
  expect(read?.recentIps).toHaveLength(5)
  expect(read?.lastUsed).toMatchObject({ ip: '203.0.113.3', userAgent: 'curl/8.5' })
  // Each bucket expires with its retention (minutes: 48 hours by default).
  const [minuteBucket] = await writer.keys(`{${ns}}:usage:b:m:${key.id}:*`)
  const ttl = await writer.pttl(minuteBucket!)
  expect(ttl).toBeGreaterThan(47 * 3_600_000)
  expect(ttl).toBeLessThanOrEqual(48 * 3_600_000 + 60_000)
  await keyward.close()
})
