import { Webhook } from 'standardwebhooks'
import type { BackgroundContext, BackgroundPublisher } from './events.js'
import type { ResolvedEndpoint, ResolvedWebhooks } from './options.js'
import { deliveriesOf } from './payload.js'
import type { WebhookAttempt, WebhookDelivery, WebhookEndpointState } from './queue.js'

/** What `keyward.webhooks` offers: the delivery log, endpoint states, re-enabling. */
export interface Webhooks {
  /** The endpoint's newest attempts first (at most `limit`, default 50). */
  attempts(endpointId: string, limit?: number): Promise<WebhookAttempt[]>
  /** Each configured endpoint with its state (failing since, disabled since). */
  endpoints(): Promise<Array<{ id: string; url: string } & WebhookEndpointState>>
  /** Enables a disabled endpoint again; deliveries of events from now on reach it. */
  enable(endpointId: string): Promise<void>
  /** Resolves once every event published so far is in the queue. */
  flush(): Promise<void>
}

/**
 * The dispatcher `createKeyward` runs: `publish` enqueues an event for its endpoints off the
 * caller's path; the loop sends due deliveries; `close` lets attempts in flight finish.
 */
export interface WebhookDispatcher extends Webhooks, BackgroundPublisher {
  /**
   * Flushes, then says whether every event published since the last `settle` reached the
   * queue (`false`: an enqueue failed, the failure went to `onError`, and the event is lost).
   */
  settle(): Promise<boolean>
}

interface DispatcherContext extends BackgroundContext {
  /**
   * The wall clock the queue runs on (enqueue, lease, retry, failing time): attempts happen
   * in real time whatever the instance's clock says. Default `Date.now`.
   */
  readonly clock?: () => number
}

/** Deliveries claimed per poll. */
const BATCH = 16

/** Builds the dispatcher; nothing runs until {@link WebhookDispatcher.start}. */
export function createWebhookDispatcher(
  config: ResolvedWebhooks,
  ctx: DispatcherContext,
): WebhookDispatcher {
  const { queue, endpoints, pollInterval, timeout } = config
  const { onError } = ctx
  const now = ctx.clock ?? Date.now
  // A claim hides a delivery long enough for its attempt to end, with room to record it.
  const lease = 2 * timeout + 5_000
  const signers = new Map([...endpoints.values()].map((e) => [e.id, new Webhook(e.secret)]))
  const pending = new Set<Promise<void>>()
  const inFlight = new Set<Promise<void>>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let polling: Promise<void> | undefined
  let again = false
  let closed = false
  let enqueueFailed = false

  const schedule = (delay: number) => {
    if (closed || timer !== undefined) return
    timer = setTimeout(() => {
      timer = undefined
      poll()
    }, delay)
    ;(timer as { unref?: () => void }).unref?.()
  }
  const poll = (): void => {
    if (closed) return
    if (polling) {
      again = true
      return
    }
    polling = (async function pollWebhookQueue() {
      let claimed: WebhookDelivery[] = []
      try {
        claimed = await queue.claim(now(), BATCH, lease)
        await Promise.all(claimed.map((delivery) => track(inFlight, attempt(delivery))))
      } catch (error) {
        onError(error)
      }
      polling = undefined
      const more = again || claimed.length === BATCH
      again = false
      schedule(more ? 0 : pollInterval)
    })()
  }
  const wake = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    poll()
  }

  const attempt = (delivery: WebhookDelivery) =>
    sendDelivery(delivery, endpoints.get(delivery.endpointId), signers, config, ctx)

  return {
    publish(event, id) {
      if (closed) return
      const deliveries = deliveriesOf(event, endpoints.values(), now(), id)
      if (deliveries.length === 0) return
      const enqueued = queue.enqueue(deliveries, now()).then(wake, (error) => {
        enqueueFailed = true
        onError(error)
      })
      track(pending, enqueued)
    },
    start: () => schedule(0),
    flush: async () => {
      while (pending.size > 0) await Promise.all(pending)
    },
    async settle() {
      while (pending.size > 0) await Promise.all(pending)
      const stored = !enqueueFailed
      enqueueFailed = false
      return stored
    },
    attempts: (endpointId, limit = 50) => queue.attempts(endpointId, limit),
    endpoints: () =>
      Promise.all(
        [...endpoints.values()].map(async ({ id, url }) => ({
          id,
          url,
          ...(await queue.endpointState(id)),
        })),
      ),
    enable: (endpointId) => queue.enable(endpointId),
    async close() {
      while (pending.size > 0) await Promise.all(pending)
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      await polling
      await Promise.all(inFlight)
    },
  }
}

/** Keeps `promise` in `set` until it settles (it never rejects). */
function track(set: Set<Promise<void>>, promise: Promise<void>): Promise<void> {
  const settled = promise.catch(() => {})
  set.add(settled)
  void settled.then(() => set.delete(settled))
  return settled
}

/** One attempt of a claimed delivery: send, log, then complete it, retry it, or give it up. */
async function sendDelivery(
  delivery: WebhookDelivery,
  endpoint: ResolvedEndpoint | undefined,
  signers: ReadonlyMap<string, Webhook>,
  config: ResolvedWebhooks,
  ctx: DispatcherContext,
): Promise<void> {
  const { queue, retryDelays } = config
  const window = retryDelays.reduce((sum, delay) => sum + delay, 0)
  const clock = ctx.clock ?? Date.now
  // An endpoint this instance does not know (configured elsewhere, or removed): its lease
  // runs out and an instance that knows it sends it; past the retry window it is dropped.
  if (!endpoint) {
    if (clock() - delivery.enqueuedAt > window + config.timeout) await queue.complete(delivery.id)
    return
  }
  if ((await queue.endpointState(endpoint.id)).disabledAt !== undefined) {
    await queue.complete(delivery.id)
    return
  }
  const at = clock()
  const result = await post(delivery, endpoint, signers.get(endpoint.id)!, config)
  const base = {
    deliveryId: delivery.id,
    messageId: delivery.messageId,
    endpointId: endpoint.id,
    type: delivery.type,
    attempt: delivery.attempts,
    at,
    ...result,
  }
  if (result.error === undefined) {
    await queue.markSuccess(endpoint.id)
    await queue.complete(delivery.id)
    await queue.record({ ...base, outcome: 'delivered' })
    return
  }
  const delay = retryDelays[delivery.attempts - 1]
  if (delay === undefined) await queue.complete(delivery.id)
  else await queue.retry(delivery.id, clock() + jitter(delay))
  await queue.record({ ...base, outcome: delay === undefined ? 'failed' : 'retrying' })
  await noteFailure(endpoint, config, ctx)
}

/** Counts a failure against the endpoint, and disables it once it has failed for `disableAfter`. */
async function noteFailure(
  endpoint: ResolvedEndpoint,
  config: ResolvedWebhooks,
  ctx: DispatcherContext,
): Promise<void> {
  const at = (ctx.clock ?? Date.now)()
  const { failingSince = at } = await config.queue.markFailure(endpoint.id, at)
  if (at - failingSince < config.disableAfter) return
  if (!(await config.queue.disable(endpoint.id, at))) return
  await ctx.emit({
    type: 'webhook_disabled',
    endpointId: endpoint.id,
    url: endpoint.url,
    failingSince,
    at: ctx.now(),
  })
}

/** POSTs the signed body; resolves to the status and latency, and `error` unless a 2xx came. */
async function post(
  delivery: WebhookDelivery,
  endpoint: ResolvedEndpoint,
  signer: Webhook,
  config: ResolvedWebhooks,
): Promise<{ status?: number; latencyMs: number; error?: string }> {
  const sentAt = new Date()
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'keyward-webhooks',
    'webhook-id': delivery.messageId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signer.sign(delivery.messageId, sentAt, delivery.body),
  }
  const started = performance.now()
  const latency = () => Math.round(performance.now() - started)
  try {
    const response = await config.fetch(endpoint.url, {
      method: 'POST',
      headers,
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeout),
    })
    const latencyMs = latency()
    await response.body?.cancel().catch(() => {})
    const { status } = response
    return status >= 200 && status < 300
      ? { status, latencyMs }
      : { status, latencyMs, error: `HTTP ${status}` }
  } catch (error) {
    const name = (error as Error)?.name
    const message = name === 'TimeoutError' ? 'timeout' : String((error as Error)?.message ?? error)
    return { latencyMs: latency(), error: message }
  }
}

/** `delay` ±20 %, so endpoints recovering from an outage are not hit by every retry at once. */
const jitter = (delay: number): number => Math.round(delay * (0.8 + 0.4 * Math.random()))
