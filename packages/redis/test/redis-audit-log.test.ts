import { auditLogConformance } from '@keyward/core/testing'
import { RedisAuditLog } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

let writer: Redis
// One namespace for the suite (its cases use fresh owners): a log opened later reads what an
// earlier one wrote or pruned.
const namespace = testNamespace()

beforeAll(async () => {
  writer = await connect()
})
afterAll(cleanUp)

auditLogConformance(
  'RedisAuditLog',
  ({ retention, now }) => new RedisAuditLog(writer, { namespace, retention, now }),
)

const event = (n: number, at: number, fields: Record<string, unknown> = {}) => ({
  id: `evt_${String(n).padStart(16, '0')}`,
  at,
  type: 'updated',
  ownerId: 'org_bounded',
  keyId: 'key_0000000000000001',
  ...fields,
})

it('writes a flush in one round trip and keeps each set bounded and expiring', async () => {
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
  const log = new RedisAuditLog(counted, { namespace: ns, maxEventsPerOwner: 3, retention: '1d' })
  const at = Date.now()
  await log.append([1, 2, 3, 4, 5].map((n) => event(n, at + n)).slice(0, 1))
  // One script per flush: EVALSHA, and EVAL once when the server had not loaded it yet.
  expect(calls[0]).toBe('evalsha')
  expect(calls.slice(1)).toEqual(calls.length === 1 ? [] : ['eval'])
  calls.length = 0
  await log.append([1, 2, 3, 4, 5].map((n) => event(n, at + n)))
  expect(calls).toEqual(['evalsha'])
  const page = await log.list({ ownerId: 'org_bounded' })
  expect(page.events.map((e) => e.at)).toEqual([at + 5, at + 4, at + 3])
  const ttl = await writer.pttl(`{${ns}}:audit:o:org_bounded`)
  expect(ttl).toBeGreaterThan(86_000_000)
  expect(ttl).toBeLessThanOrEqual(86_400_000)
  expect(await writer.zcard(`{${ns}}:audit:k:org_bounded:key_0000000000000001`)).toBe(3)
})

it('answers a filter that matches rarely with fewer events and a cursor, never scanning without end', async () => {
  const ns = testNamespace()
  const log = new RedisAuditLog(writer, { namespace: ns })
  const at = Date.now() - 10_000
  const events = Array.from({ length: 2_500 }, (_, i) =>
    event(i + 1, at + i, { type: i === 0 ? 'revoked' : 'updated' }),
  )
  await log.append(events)
  const first = await log.list({ ownerId: 'org_bounded', type: 'revoked', limit: 5 })
  expect(first.events).toEqual([])
  expect(first.nextCursor).not.toBeNull()
  const second = await log.list({
    ownerId: 'org_bounded',
    type: 'revoked',
    cursor: first.nextCursor!,
  })
  expect(second.events.map((e) => e.id)).toEqual([events[0]!.id])
  expect(second.nextCursor).toBeNull()
})

it('refuses a member it did not write, naming the key', async () => {
  const ns = testNamespace()
  await writer.zadd(`{${ns}}:audit:o:org_x`, Date.now(), 'garbage')
  const log = new RedisAuditLog(writer, { namespace: ns })
  await expect(log.list({ ownerId: 'org_x' })).rejects.toThrow(
    `Redis key {${ns}}:audit:o:org_x holds an audit event Keyward did not write`,
  )
  expect(() => new RedisAuditLog(writer, { retention: 'forever' })).toThrow(/^retention must be/)
})
