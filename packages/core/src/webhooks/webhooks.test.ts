import { afterEach, describe, expect, it } from 'vitest'
import {
  startReceiver,
  type WebhookReceiver,
  webhookSecret,
} from '../../../../test/support/webhook-receiver.js'
import { createKeyward, type Keyward, type KeywardOptions } from '../keyward.js'
import { webhookQueueConformance } from '../testing/webhook-queue-conformance.js'
import type { KeyEvent } from '../types.js'
import { MemoryWebhookQueue } from './memory-webhook-queue.js'
import type { WebhooksOptions } from './options.js'

webhookQueueConformance('MemoryWebhookQueue', async () => ({ queue: new MemoryWebhookQueue() }))

const input = { name: 'CI', ownerId: 'org_1', scopes: [], expiresIn: '30d' } as const
const secret = webhookSecret()
const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close()
})

async function receiver(answer?: (raw: string, index: number) => number): Promise<WebhookReceiver> {
  const started = await startReceiver(secret, answer)
  open.push(started)
  return started
}

function keywardWith(
  webhooks: Partial<WebhooksOptions> & Pick<WebhooksOptions, 'endpoints'>,
  options: KeywardOptions = {},
): Keyward {
  const keyward = createKeyward({
    ...options,
    webhooks: { retryDelays: [0.05, 0.05, 0.05], pollInterval: 0.05, ...webhooks },
  })
  open.push(keyward)
  return keyward
}

describe('webhooks options', () => {
  const endpoint = { url: 'https://hooks.example.test/keyward', secret }
  const build = (webhooks: unknown) => () =>
    createKeyward({ webhooks: webhooks as WebhooksOptions })

  it.each([
    [{}, 'webhooks.endpoints must be a non-empty array'],
    [{ endpoints: [] }, 'webhooks.endpoints must be a non-empty array'],
    [{ endpoints: [{ ...endpoint, url: 'ftp://x' }] }, 'webhooks.endpoints[0].url must be'],
    [{ endpoints: [{ ...endpoint, url: '/relative' }] }, 'webhooks.endpoints[0].url must be'],
    [{ endpoints: [{ ...endpoint, secret: 'plain' }] }, 'webhooks.endpoints[0].secret must be'],
    [{ endpoints: [{ ...endpoint, secret: 'whsec_c2hvcnQ=' }] }, 'endpoints[0].secret must be'],
    [{ endpoints: [{ ...endpoint, events: ['key.made'] }] }, 'endpoints[0].events must be'],
    [{ endpoints: [endpoint, endpoint] }, 'webhooks.endpoints[1].id must be unique'],
    [{ endpoints: [endpoint], queue: {} }, 'webhooks.queue must'],
    [{ endpoints: [endpoint], retryDelays: ['soon'] }, 'webhooks.retryDelays[0] must be'],
    [{ endpoints: [endpoint], timeout: 0 }, 'webhooks.timeout must be'],
    [{ endpoints: [endpoint], fetch: 'no' }, 'webhooks.fetch must be a function'],
  ])('refuses %j at construction', (webhooks, message) => {
    expect(build(webhooks)).toThrow(TypeError)
    expect(build(webhooks)).toThrow(message)
  })

  it('accepts a whsec_ secret, an event filter and duration strings', () => {
    const keyward = createKeyward({
      webhooks: {
        endpoints: [{ ...endpoint, events: ['key.revoked'], id: 'audit' }],
        retryDelays: ['5s', '1m'],
        disableAfter: '2h',
      },
    })
    open.push(keyward)
    expect(keyward.webhooks).toBeDefined()
    expect(createKeyward().webhooks).toBeUndefined()
  })
})

describe('webhook deliveries', () => {
  it('signs every delivery so the standardwebhooks verifier accepts it, never with a token or hash', async () => {
    const hooks = await receiver()
    const keyward = keywardWith({ endpoints: [{ url: hooks.url, secret }] })
    const { token, key } = await keyward.keys.create(input)
    await keyward.keys.update(key.id, { name: 'renamed' })
    await keyward.keys.revoke(key.id, { actor: 'person:ada' })
    const accepted = await hooks.waitForAccepted(3)
    expect(hooks.received.every((r) => r.verified)).toBe(true)
    expect(accepted.map((r) => r.body.type).sort()).toEqual([
      'key.created',
      'key.revoked',
      'key.updated',
    ])
    const created = accepted.find((r) => r.body.type === 'key.created')!
    expect(created.id).toMatch(/^msg_[0-9A-Za-z]{24}$/)
    expect(created.body.data.key).toMatchObject({ id: key.id, name: 'CI', ownerId: 'org_1' })
    expect((created.body.data.key as { expiresAt: string }).expiresAt).toBe(
      new Date(key.expiresAt).toISOString(),
    )
    const revoked = accepted.find((r) => r.body.type === 'key.revoked')!
    expect(revoked.body.data).toEqual({ keyId: key.id, ownerId: 'org_1', actor: 'person:ada' })
    for (const { raw } of hooks.received) {
      expect(raw).not.toContain(token)
      expect(raw).not.toContain('"hash"')
    }
    expect(new Set(accepted.map((r) => r.id)).size).toBe(3)
  })

  it('retries a 500 with the same webhook-id until the receiver takes it, and logs each attempt', async () => {
    const hooks = await receiver((_raw, index) => (index < 2 ? 500 : 200))
    const keyward = keywardWith({ endpoints: [{ url: hooks.url, secret, id: 'main' }] })
    await keyward.keys.create(input)
    const [accepted] = await hooks.waitForAccepted(1)
    expect(hooks.received.map((r) => [r.id, r.status])).toEqual([
      [accepted!.id, 500],
      [accepted!.id, 500],
      [accepted!.id, 200],
    ])
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(hooks.accepted()).toHaveLength(1)
    const log = await keyward.webhooks!.attempts('main')
    expect(log.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [3, 200, 'delivered'],
      [2, 500, 'retrying'],
      [1, 500, 'retrying'],
    ])
    expect(log.every((a) => a.messageId === accepted!.id && a.latencyMs >= 0)).toBe(true)
    expect(log[1]!.error).toBe('HTTP 500')
  })

  it('sends an endpoint only the event types it subscribes to', async () => {
    const all = await receiver()
    const revocations = await receiver()
    const keyward = keywardWith({
      endpoints: [
        { url: all.url, secret },
        { url: revocations.url, secret, events: ['key.revoked'] },
      ],
    })
    const { key } = await keyward.keys.create(input)
    await keyward.keys.revoke(key.id)
    await all.waitForAccepted(2)
    const [revoked] = await revocations.waitForAccepted(1)
    expect(revoked!.body.type).toBe('key.revoked')
    const sameEvent = all.accepted().find((r) => r.body.type === 'key.revoked')!
    expect(sameEvent.id).toBe(revoked!.id)
    await keyward.webhooks!.flush()
    expect(revocations.received).toHaveLength(1)
  })

  it('gives up after the last retry, and disables an endpoint failing for disableAfter', async () => {
    const broken = await receiver(() => 503)
    const healthy = await receiver()
    const events: KeyEvent[] = []
    const keyward = keywardWith(
      {
        endpoints: [
          { url: broken.url, secret, id: 'broken' },
          { url: healthy.url, secret, events: ['webhook.disabled'] },
        ],
        retryDelays: [0.02, 0.02],
        disableAfter: 0.03,
      },
      { onEvent: (event) => void events.push(event) },
    )
    await keyward.keys.create(input)
    const [notice] = await healthy.waitForAccepted(1)
    expect(notice!.body).toMatchObject({
      type: 'webhook.disabled',
      data: { endpointId: 'broken', url: broken.url },
    })
    expect(events.filter((e) => e.type === 'webhook_disabled')).toHaveLength(1)
    const [state] = (await keyward.webhooks!.endpoints()).filter((e) => e.id === 'broken')
    expect(state?.disabledAt).toBeTypeOf('number')
    const tried = broken.received.length
    expect(tried).toBeGreaterThanOrEqual(2)
    expect(tried).toBeLessThanOrEqual(3)
    await keyward.keys.create(input)
    await keyward.webhooks!.flush()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(broken.received).toHaveLength(tried)
    await keyward.webhooks!.enable('broken')
    expect((await keyward.webhooks!.endpoints()).find((e) => e.id === 'broken')).toEqual({
      id: 'broken',
      url: broken.url,
    })
  })

  it('never makes a lifecycle call wait for a receiver, and close() ends the attempt in flight', async () => {
    let started = 0
    const hanging: typeof fetch = (_url, init) => {
      started += 1
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))
      })
    }
    const keyward = createKeyward({
      webhooks: {
        endpoints: [{ url: 'http://127.0.0.1:9/never', secret, id: 'slow' }],
        fetch: hanging,
        timeout: 0.3,
      },
    })
    const before = performance.now()
    await keyward.keys.create(input)
    expect(performance.now() - before).toBeLessThan(250)
    await keyward.webhooks!.flush()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(started).toBe(1)
    await keyward.close()
    const [attempt] = await keyward.webhooks!.attempts('slow')
    expect(attempt).toMatchObject({ outcome: 'retrying', error: 'timeout' })
  })
})
