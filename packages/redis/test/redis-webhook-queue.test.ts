import { webhookQueueConformance } from '@keyward/core/testing'
import { RedisWebhookQueue } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

let writer: Redis
let reader: Redis

beforeAll(async () => {
  writer = await connect()
  reader = await connect()
})
afterAll(cleanUp)

webhookQueueConformance('RedisWebhookQueue', async () => {
  const namespace = testNamespace()
  return {
    queue: new RedisWebhookQueue(writer, { namespace }),
    // Another process would have its own connection: so does the peer.
    peer: new RedisWebhookQueue(reader, { namespace }),
  }
})

describe('RedisWebhookQueue options', () => {
  it('refuses what is not an ioredis client or a namespace at construction', () => {
    expect(() => new RedisWebhookQueue({} as Redis)).toThrow(TypeError)
    expect(() => new RedisWebhookQueue(writer, { namespace: 'a{b}' })).toThrow('namespace must be')
  })

  it('keeps every key under the namespace hash tag', async () => {
    const namespace = testNamespace()
    const queue = new RedisWebhookQueue(writer, { namespace })
    await queue.markFailure('https://example.test/hooks', 1)
    const keys = await writer.keys(`*${namespace}*`)
    expect(keys).toEqual([`{${namespace}}:webhooks:endpoint:https://example.test/hooks`])
  })
})
