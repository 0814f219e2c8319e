import { configDuration } from '../duration.js'
import { assertImplements, assertObject } from '../lib/options.js'
import { MemoryWebhookQueue } from '../webhooks/memory-webhook-queue.js'
import type { WebhookQueue } from '../webhooks/queue.js'

/** What a lifecycle policy does; each rule is off unless given. Durations: seconds or `'30d'`. */
export interface PolicyRules {
  /** Before a key's end, once per threshold: a `key.expiring` event with the days left. E.g. `['30d', '7d', '1d']`. */
  expiryReminders?: readonly (number | string)[]
  /** A key unused for this long (since its last use, else its creation): a `key.idle` event. */
  idleAfter?: number | string
  /** A key unused for this long is revoked, with actor `policy`. */
  revokeIdleAfter?: number | string
  /** A key this old: a `key.rotation_due` event. */
  rotateAfter?: number | string
}

/** The `policies` option of `createKeyward`. */
export interface PoliciesOptions extends PolicyRules {
  /** Rules per owner id; a rule given here replaces the deployment's for that owner's keys. */
  owners?: Readonly<Record<string, PolicyRules>>
  /**
   * Where policy jobs wait until due. Default: a new in-process `MemoryWebhookQueue` (one
   * instance; lost on exit). Several instances share `new RedisWebhookQueue(redis, { queue:
   * 'policies' })` or `new PostgresWebhookQueue(pool, { queue: 'policies' })`: each job is
   * claimed by one instance, and one whose instance died comes back when its lease ends.
   */
  queue?: WebhookQueue
  /** How often each instance looks for due jobs. Default `'1m'`. */
  interval?: number | string
}

/** {@link PolicyRules} in ms; `expiryReminders` largest first. */
export interface ResolvedRules {
  readonly expiryReminders: ReadonlyArray<{ readonly label: string; readonly ms: number }>
  readonly idleAfter: number | undefined
  readonly revokeIdleAfter: number | undefined
  readonly rotateAfter: number | undefined
}

/** {@link PoliciesOptions} checked. */
export interface ResolvedPolicies {
  readonly rules: ResolvedRules
  readonly owners: ReadonlyMap<string, ResolvedRules>
  readonly queue: WebhookQueue
  readonly interval: number
}

/** Checks the `policies` option; throws `TypeError('policies… must be …')`. */
export function resolvePolicies(value: unknown): ResolvedPolicies | undefined {
  if (value === undefined) return undefined
  assertObject(value, 'policies')
  const options = value as PoliciesOptions
  const rules = resolveRules(options, 'policies')
  const owners = new Map<string, ResolvedRules>()
  if (options.owners !== undefined) {
    assertObject(options.owners, 'policies.owners')
    for (const [ownerId, override] of Object.entries(options.owners)) {
      const name = `policies.owners[${JSON.stringify(ownerId)}]`
      assertObject(override, name)
      owners.set(ownerId, resolveRules({ ...options, ...override }, name))
    }
  }
  const queue = options.queue ?? new MemoryWebhookQueue()
  assertImplements(queue, 'policies.queue', ['enqueue', 'claim', 'complete', 'retry'])
  const interval = configDuration(options.interval, 'policies.interval', 60_000)
  if (interval < 1 || interval > 2_073_600_000) {
    throw new TypeError('policies.interval must be a duration from 1 ms to 24 days')
  }
  return { rules, owners, queue, interval }
}

function resolveRules(rules: PolicyRules, name: string): ResolvedRules {
  const optional = (value: unknown, option: string) =>
    value === undefined ? undefined : positive(value, `${name}.${option}`)
  const reminders = rules.expiryReminders ?? []
  if (!Array.isArray(reminders) || reminders.length > 20) {
    throw new TypeError(`${name}.expiryReminders must be an array of at most 20 durations`)
  }
  const expiryReminders = reminders
    .map((value, i) => ({
      label: typeof value === 'number' ? `${value}s` : String(value),
      ms: positive(value, `${name}.expiryReminders[${i}]`),
    }))
    .sort((a, b) => b.ms - a.ms)
  const idleAfter = optional(rules.idleAfter, 'idleAfter')
  const revokeIdleAfter = optional(rules.revokeIdleAfter, 'revokeIdleAfter')
  if (idleAfter !== undefined && revokeIdleAfter !== undefined && revokeIdleAfter < idleAfter) {
    throw new TypeError(`${name}.revokeIdleAfter must not be shorter than idleAfter`)
  }
  return {
    expiryReminders,
    idleAfter,
    revokeIdleAfter,
    rotateAfter: optional(rules.rotateAfter, 'rotateAfter'),
  }
}

function positive(value: unknown, option: string): number {
  const ms = configDuration(value, option, 0)
  if (ms < 1) throw new TypeError(`${option} must be a positive duration (seconds or "30d")`)
  return ms
}
