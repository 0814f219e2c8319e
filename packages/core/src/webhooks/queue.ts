/**
 * The durable queue webhook deliveries wait in, and the delivery log beside it. The memory
 * queue is here; `RedisWebhookQueue` (`@keyward/redis`) and `PostgresWebhookQueue`
 * (`@keyward/postgres`) share it between instances and keep it across restarts.
 */

/** One message to one endpoint, as it waits in a {@link WebhookQueue}. */
export interface WebhookDelivery {
  /** The delivery's own id (one per message and endpoint). */
  readonly id: string
  /** The Standard Webhooks `webhook-id`: one per event, the same for every attempt and endpoint. */
  readonly messageId: string
  /** The endpoint's id (its `id` option, else its URL). */
  readonly endpointId: string
  /** The webhook event type, e.g. `key.created`. */
  readonly type: string
  /** The JSON body, exactly as it is signed and sent. */
  readonly body: string
  /** When the event was enqueued, epoch ms: the retry window counts from here. */
  readonly enqueuedAt: number
  /** Attempts made so far, the one a claim hands out included (a claim counts as an attempt). */
  readonly attempts: number
}

/** One attempt, as the delivery log keeps it. */
export interface WebhookAttempt {
  readonly deliveryId: string
  readonly messageId: string
  readonly endpointId: string
  readonly type: string
  /** 1 for the first attempt. */
  readonly attempt: number
  /** When it was sent, epoch ms. */
  readonly at: number
  /** The receiver's HTTP status; absent when no answer came (network error, timeout). */
  readonly status?: number
  /** `delivered` on a 2xx; `retrying` when another attempt is scheduled; `failed` when it gives up. */
  readonly outcome: 'delivered' | 'retrying' | 'failed'
  /** From sending to the answer's status line, ms. */
  readonly latencyMs: number
  /** Why it failed, when it did (`HTTP 500`, `timeout`, the network error's message). */
  readonly error?: string
}

/** Where an endpoint stands: failing since when, disabled since when. */
export interface WebhookEndpointState {
  /** The first failure since the last success, epoch ms; absent while it succeeds. */
  readonly failingSince?: number
  /** When it was disabled, epoch ms; absent while it is enabled. */
  readonly disabledAt?: number
}

/**
 * A durable queue of webhook deliveries. A claim hands a due delivery to one caller and
 * hides it from every other for `lease` ms (its due time moves on by that much), so two
 * instances never send the same attempt at once, and a delivery claimed by an instance that
 * died becomes due again when its lease runs out: at least once, never lost.
 */
export interface WebhookQueue {
  /**
   * Adds deliveries, due at `now` (a later time schedules them); one whose id is in the queue
   * already is left as it is.
   */
  enqueue(deliveries: readonly WebhookDelivery[], now: number): Promise<void>
  /**
   * Claims up to `limit` deliveries due at `now`, atomically: each one's `attempts` grows by
   * one and it is hidden until `now + lease`.
   */
  claim(now: number, limit: number, lease: number): Promise<WebhookDelivery[]>
  /** Removes a delivery that was delivered or given up. */
  complete(id: string): Promise<void>
  /** Makes a claimed delivery due again at `dueAt`. */
  retry(id: string, dueAt: number): Promise<void>
  /** Appends an attempt to its endpoint's log (the newest `logSize` are kept). */
  record(attempt: WebhookAttempt): Promise<void>
  /** The endpoint's newest attempts first, at most `limit`. */
  attempts(endpointId: string, limit: number): Promise<WebhookAttempt[]>
  /** The endpoint's state. */
  endpointState(endpointId: string): Promise<WebhookEndpointState>
  /**
   * Notes a failure at `at` (the first one since the last success starts `failingSince`)
   * and resolves to the state after it.
   */
  markFailure(endpointId: string, at: number): Promise<WebhookEndpointState>
  /** Notes a success: the endpoint is no longer failing. */
  markSuccess(endpointId: string): Promise<void>
  /** Disables the endpoint at `at`; resolves `true` when it was enabled until now (only one caller wins). */
  disable(endpointId: string, at: number): Promise<boolean>
  /** Enables the endpoint again and forgets its failures. */
  enable(endpointId: string): Promise<void>
}

/** How many attempts each endpoint's log keeps, newest first. */
export const WEBHOOK_LOG_SIZE = 100
