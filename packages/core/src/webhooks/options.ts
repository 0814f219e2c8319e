import { configDuration } from '../duration.js'
import { assertImplements, assertObject, functionOption } from '../lib/options.js'
import { MemoryWebhookQueue } from './memory-webhook-queue.js'
import type { WebhookQueue } from './queue.js'

/** Every webhook event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'key.created',
  'key.imported',
  'key.updated',
  'key.rotated',
  'key.revoked',
  'key.revoked_all',
  'key.suspended',
  'key.resumed',
  'key.leaked',
  'key.reused',
  'key.expiring',
  'key.expired',
  'key.idle',
  'key.rotation_due',
  'webhook.disabled',
] as const

/** A webhook event type, e.g. `key.created`. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/** One receiver of webhooks. */
export interface WebhookEndpointOptions {
  /** Where deliveries are POSTed: an `http:` or `https:` URL. */
  url: string
  /** The Standard Webhooks signing secret: `whsec_` and 24–64 bytes in base64. */
  secret: string
  /** The event types it receives. Default: every type. */
  events?: readonly WebhookEventType[]
  /** Names the endpoint in the queue and the delivery log; unique. Default: its `url`. */
  id?: string
}

/** The `webhooks` option of `createKeyward`. */
export interface WebhooksOptions {
  /** The receivers; at least one. */
  endpoints: readonly WebhookEndpointOptions[]
  /**
   * Where deliveries wait. Default: a new in-process `MemoryWebhookQueue` (lost on exit).
   * `RedisWebhookQueue` or `PostgresWebhookQueue` keep them across restarts and share them
   * between instances, each attempt sent by one instance.
   */
  queue?: WebhookQueue
  /**
   * Waits before each retry, seconds or duration strings; their count is the number of
   * retries. Each wait is jittered by ±20 %. Default: 5 s, 30 s, 3 m, 18 m, 108 m, 10 h,
   * 10 h (8 attempts over about 22 hours).
   */
  retryDelays?: readonly (number | string)[]
  /**
   * An endpoint that has failed every attempt for this long is disabled (a `webhook.disabled`
   * event says so) until `keyward.webhooks.enable(id)`. Default: the sum of `retryDelays`.
   */
  disableAfter?: number | string
  /** How long one attempt waits for an answer. Default `'10s'`. */
  timeout?: number | string
  /** How often the queue is polled for due deliveries (events of this instance wake it at once). Default `'1s'`. */
  pollInterval?: number | string
  /** The `fetch` deliveries are sent with. Default: the global `fetch`. */
  fetch?: typeof fetch
}

/** A checked endpoint. */
export interface ResolvedEndpoint {
  readonly id: string
  readonly url: string
  readonly secret: string
  /** `undefined`: every type. */
  readonly events: ReadonlySet<string> | undefined
}

/** {@link WebhooksOptions} checked, durations in ms. */
export interface ResolvedWebhooks {
  readonly endpoints: ReadonlyMap<string, ResolvedEndpoint>
  readonly queue: WebhookQueue
  readonly retryDelays: readonly number[]
  readonly disableAfter: number
  readonly timeout: number
  readonly pollInterval: number
  readonly fetch: typeof fetch
}

const SECOND = 1_000
const DEFAULT_DELAYS = [5, 30, 180, 1_080, 6_480, 36_000, 36_000].map((s) => s * SECOND)
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/

/** Checks the `webhooks` option; throws `TypeError('webhooks… must be …')`. */
export function resolveWebhooks(value: unknown): ResolvedWebhooks | undefined {
  if (value === undefined) return undefined
  assertObject(value, 'webhooks')
  const options = value as WebhooksOptions
  if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
    throw new TypeError('webhooks.endpoints must be a non-empty array of { url, secret, events? }')
  }
  const endpoints = new Map<string, ResolvedEndpoint>()
  for (const [i, input] of options.endpoints.entries()) {
    const endpoint = resolveEndpoint(input, `webhooks.endpoints[${i}]`)
    if (endpoints.has(endpoint.id)) {
      throw new TypeError(`webhooks.endpoints[${i}].id must be unique (default: the url)`)
    }
    endpoints.set(endpoint.id, endpoint)
  }
  const queue = options.queue ?? new MemoryWebhookQueue()
  assertImplements(queue, 'webhooks.queue', ['enqueue', 'claim', 'complete', 'retry', 'record'])
  const retryDelays = retryDelaysOption(options.retryDelays)
  const window = retryDelays.reduce((sum, delay) => sum + delay, 0)
  return {
    endpoints,
    queue,
    retryDelays,
    disableAfter: configDuration(options.disableAfter, 'webhooks.disableAfter', window),
    timeout: positiveDuration(options.timeout, 'webhooks.timeout', 10 * SECOND),
    pollInterval: positiveDuration(options.pollInterval, 'webhooks.pollInterval', SECOND),
    fetch: functionOption(options.fetch, 'webhooks.fetch', (...args: Parameters<typeof fetch>) =>
      fetch(...args),
    ),
  }
}

function resolveEndpoint(input: unknown, name: string): ResolvedEndpoint {
  assertObject(input, name)
  const { url, secret, events, id } = input as WebhookEndpointOptions
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined
  } catch {}
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(`${name}.url must be an absolute http: or https: URL`)
  }
  const bytes = typeof secret === 'string' ? secretLength(secret) : 0
  if (bytes < 24 || bytes > 64) {
    throw new TypeError(`${name}.secret must be "whsec_" followed by 24 to 64 bytes in base64`)
  }
  if (id !== undefined && (typeof id !== 'string' || id === '' || id.length > 200)) {
    throw new TypeError(`${name}.id must be a string of 1 to 200 characters`)
  }
  return { id: id ?? url, url, secret, events: eventsOption(events, `${name}.events`) }
}

/** The decoded length of a `whsec_` secret, 0 when it is not one. */
function secretLength(secret: string): number {
  const match = SECRET.exec(secret)
  if (!match || match[1]!.length % 4 !== 0) return 0
  try {
    return atob(match[1]!).length
  } catch {
    return 0
  }
}

function eventsOption(value: unknown, name: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined
  const known: readonly string[] = WEBHOOK_EVENT_TYPES
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((type) => typeof type === 'string' && known.includes(type))
  ) {
    throw new TypeError(`${name} must be a non-empty array of ${WEBHOOK_EVENT_TYPES.join(', ')}`)
  }
  return new Set(value)
}

function retryDelaysOption(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_DELAYS
  if (!Array.isArray(value) || value.length > 50) {
    throw new TypeError('webhooks.retryDelays must be an array of at most 50 durations')
  }
  return value.map((delay, i) => positiveDuration(delay, `webhooks.retryDelays[${i}]`, 0))
}

/** A duration of at least 1 ms (and of at most 24 days, what a timer can wait). */
function positiveDuration(value: unknown, option: string, fallback: number): number {
  const ms = configDuration(value, option, fallback)
  if (ms < 1 || ms > 2_073_600_000) {
    throw new TypeError(`${option} must be a duration from 1 ms to 24 days`)
  }
  return ms
}
