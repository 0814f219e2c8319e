import { randomBase62 } from '../lib/base62.js'
import type { KeyEvent } from '../types.js'
import type { ResolvedEndpoint } from './options.js'
import type { WebhookDelivery } from './queue.js'

/** Fields of events and keys that hold epoch ms: sent as ISO 8601 strings, as the management API does. */
const TIMES = new Set([
  'at',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
  'revokedAt',
  'suspendedAt',
  'previousExpiresAt',
  'failingSince',
  'idleSince',
  'grantedAt',
])

/** Never sent, whatever an event carries. */
const SECRETS = new Set(['hash', 'token'])

/** The webhook type of a lifecycle event: `created` → `key.created`, `webhook_disabled` → `webhook.disabled`. */
export function webhookType(event: KeyEvent): string {
  return event.type === 'webhook_disabled' ? 'webhook.disabled' : `key.${event.type}`
}

/**
 * The Standard Webhooks body of `event`: `{ type, timestamp, data }`, `data` being the event
 * without its `type` and `at`, times as ISO 8601, and never a token or a hash.
 */
export function webhookBody(event: KeyEvent): string {
  const { type: _type, at, ...data } = event
  return JSON.stringify(
    { type: webhookType(event), timestamp: new Date(at).toISOString(), data },
    (key, value) => {
      if (SECRETS.has(key)) return undefined
      if (TIMES.has(key) && typeof value === 'number') return new Date(value).toISOString()
      return value
    },
  )
}

/**
 * One delivery of `event` per endpoint that subscribes to its type, sharing one `webhook-id`.
 * An event with a stable `id` (`evt_…`, a policy's action) gets ids derived from it, so that
 * publishing it again is a no-op while it is queued, and the same `webhook-id` after that.
 */
export function deliveriesOf(
  event: KeyEvent,
  endpoints: Iterable<ResolvedEndpoint>,
  now: number,
  id?: string,
): WebhookDelivery[] {
  const type = webhookType(event)
  const stable = id?.replace(/^evt_/, '')
  const messageId = `msg_${stable ?? randomBase62(24)}`
  let body: string | undefined
  const deliveries: WebhookDelivery[] = []
  // An endpoint's place among the configured ones names its delivery of a stable event.
  for (const [index, endpoint] of [...endpoints].entries()) {
    if (endpoint.events && !endpoint.events.has(type)) continue
    body ??= webhookBody(event)
    deliveries.push({
      id: stable === undefined ? `dlv_${randomBase62(24)}` : `dlv_${stable}_${index}`,
      messageId,
      endpointId: endpoint.id,
      type,
      body,
      enqueuedAt: now,
      attempts: 0,
    })
  }
  return deliveries
}
