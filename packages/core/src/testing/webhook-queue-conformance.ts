import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WEBHOOK_LOG_SIZE, type WebhookDelivery, type WebhookQueue } from '../webhooks/queue.js'
import { uniqueSuffix } from './lib/sample.js'

/**
 * Builds what one webhook-queue test runs against, on an empty backend: `queue`, and `peer`,
 * a second instance on the same backend as another process would hold (default `queue`).
 * `close` releases both.
 */
export type WebhookQueueFactory = () => Promise<{
  queue: WebhookQueue
  peer?: WebhookQueue
  close?: () => Promise<void>
}>

const T0 = 1_800_000_000_000

const delivery = (n: number, endpointId = 'https://example.test/hooks'): WebhookDelivery => ({
  id: `dlv_${uniqueSuffix()}_${n}`,
  messageId: `msg_${n}`,
  endpointId,
  type: 'key.created',
  body: JSON.stringify({ type: 'key.created', timestamp: new Date(T0).toISOString(), data: { n } }),
  enqueuedAt: T0,
  attempts: 0,
})

/**
 * Registers a vitest `describe` block checking that a {@link WebhookQueue} keeps the contract
 * the dispatcher relies on: a claim hands a due delivery to one caller and counts the attempt,
 * hides it for the lease and gives it back after (a crashed claimer loses nothing); retries
 * and completions; the delivery log; endpoint failure and disabling, won by one caller.
 */
export function webhookQueueConformance(name: string, factory: WebhookQueueFactory): void {
  describe(`${name} (webhook queue conformance)`, () => {
    let queue: WebhookQueue
    let peer: WebhookQueue
    let close: (() => Promise<void>) | undefined
    beforeEach(async () => {
      const built = await factory()
      queue = built.queue
      peer = built.peer ?? built.queue
      close = built.close
    })
    afterEach(() => close?.())

    it('hands a due delivery out once per lease, counting each claim as an attempt', async () => {
      const d = delivery(1)
      await queue.enqueue([d], T0)
      const [first] = await peer.claim(T0, 10, 1_000)
      expect(first).toEqual({ ...d, attempts: 1 })
      expect(await queue.claim(T0 + 999, 10, 1_000)).toEqual([])
      const again = await queue.claim(T0 + 1_000, 10, 1_000)
      expect(again).toEqual([{ ...d, attempts: 2 }])
    })

    it('leaves a delivery enqueued again as it was, leased or not', async () => {
      const d = delivery(1)
      await queue.enqueue([d], T0)
      await queue.claim(T0, 10, 1_000)
      await peer.enqueue([{ ...d, body: '{}' }], T0)
      expect(await queue.claim(T0 + 999, 10, 1_000)).toEqual([])
      expect(await queue.claim(T0 + 1_000, 10, 1_000)).toEqual([{ ...d, attempts: 2 }])
      await queue.complete(d.id)
      const later = delivery(2)
      await queue.enqueue([later], T0 + 5_000)
      expect(await queue.claim(T0 + 4_999, 10, 1_000)).toEqual([])
      expect(await queue.claim(T0 + 5_000, 10, 1_000)).toEqual([{ ...later, attempts: 1 }])
    })

    it('claims the earliest due first, at most limit, nothing not yet due', async () => {
      const [a, b, c] = [delivery(1), delivery(2), delivery(3)]
      await queue.enqueue([a, b], T0)
      await queue.enqueue([c], T0 + 50)
      expect(await queue.claim(T0 - 1, 10, 1_000)).toEqual([])
      await queue.retry(a.id, T0 + 10)
      const claimed = await queue.claim(T0 + 100, 2, 1_000)
      expect(claimed.map((d) => d.id)).toEqual([b.id, a.id])
      expect((await queue.claim(T0 + 100, 10, 1_000)).map((d) => d.id)).toEqual([c.id])
    })

    it('never hands one delivery to two concurrent claimers', async () => {
      const all = Array.from({ length: 30 }, (_, n) => delivery(n))
      await queue.enqueue(all, T0)
      const batches = await Promise.all([
        queue.claim(T0, 30, 60_000),
        peer.claim(T0, 30, 60_000),
        queue.claim(T0, 30, 60_000),
        peer.claim(T0, 30, 60_000),
      ])
      const ids = batches.flat().map((d) => d.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.sort()).toEqual(all.map((d) => d.id).sort())
    })

    it('retries at the given time and forgets a completed delivery', async () => {
      const [a, b] = [delivery(1), delivery(2)]
      await queue.enqueue([a, b], T0)
      await queue.claim(T0, 10, 1_000)
      await peer.retry(a.id, T0 + 5)
      await peer.complete(b.id)
      expect(await queue.claim(T0 + 4, 10, 1_000)).toEqual([])
      expect(await queue.claim(T0 + 5, 10, 1_000)).toEqual([{ ...a, attempts: 2 }])
      expect(await queue.claim(T0 + 10_000, 10, 1_000)).toEqual([{ ...a, attempts: 3 }])
    })

    it('keeps the newest attempts of each endpoint, newest first', async () => {
      const attempt = (n: number, endpointId: string) => ({
        deliveryId: `dlv_${n}`,
        messageId: `msg_${n}`,
        endpointId,
        type: 'key.created',
        attempt: 1,
        at: T0 + n,
        outcome: 'delivered' as const,
        status: 200,
        latencyMs: 3,
      })
      for (let n = 0; n < WEBHOOK_LOG_SIZE + 5; n++) await queue.record(attempt(n, 'a'))
      const { status: _status, ...unanswered } = attempt(0, 'b')
      await queue.record({ ...unanswered, error: 'timeout' })
      const log = await peer.attempts('a', 1_000)
      expect(log).toHaveLength(WEBHOOK_LOG_SIZE)
      expect(log[0]).toEqual(attempt(WEBHOOK_LOG_SIZE + 4, 'a'))
      expect((await peer.attempts('a', 2)).map((e) => e.at)).toEqual([T0 + 104, T0 + 103])
      const [b] = await peer.attempts('b', 10)
      expect(b).toMatchObject({ error: 'timeout', outcome: 'delivered' })
      expect(b?.status).toBeUndefined()
    })

    it('tracks failures since the last success and disables an endpoint once', async () => {
      const id = `https://example.test/${uniqueSuffix()}`
      expect(await queue.endpointState(id)).toEqual({})
      expect(await queue.markFailure(id, T0)).toEqual({ failingSince: T0 })
      expect(await peer.markFailure(id, T0 + 10)).toEqual({ failingSince: T0 })
      await peer.markSuccess(id)
      expect(await queue.endpointState(id)).toEqual({})
      await queue.markFailure(id, T0 + 20)
      const wins = await Promise.all([queue.disable(id, T0 + 30), peer.disable(id, T0 + 31)])
      expect(wins.filter(Boolean)).toHaveLength(1)
      expect((await peer.endpointState(id)).disabledAt).toBeGreaterThanOrEqual(T0 + 30)
      await queue.markSuccess(id)
      expect((await peer.endpointState(id)).disabledAt).toBeDefined()
      await peer.enable(id)
      expect(await queue.endpointState(id)).toEqual({})
    })
  })
}
