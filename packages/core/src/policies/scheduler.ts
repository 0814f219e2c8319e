import type { KeyPage } from '../keys/list.js'
import { BASE62 } from '../lib/base62.js'
import type { ApiKey, KeyEvent } from '../types.js'
import type { BackgroundContext, BackgroundPublisher } from '../webhooks/events.js'
import type { WebhookDelivery } from '../webhooks/queue.js'
import type { ResolvedPolicies, ResolvedRules } from './options.js'

/** What `keyward.policies` offers. */
export interface Policies {
  /** Runs one pass now: claims due jobs and acts on them. Resolves to the number of actions taken. */
  run(): Promise<number>
  /**
   * Schedules the jobs of `ownerId`'s live keys (keys created before policies were turned on
   * have none): reminders for thresholds still ahead, the expiry, and the age and idle checks
   * (due at once when already past). Safe to run again: a job queued already is not queued
   * twice, and one acted on already emits the same event again (same id: the audit log keeps
   * it once). Resolves to the number of keys scheduled.
   */
  schedule(ownerId: string): Promise<number>
  /** Resolves once every job scheduled so far is in the queue. */
  flush(): Promise<void>
}

/**
 * The scheduler `createKeyward` runs on every instance: `publish` schedules the jobs an event
 * calls for, off the caller's path; the loop acts on due jobs.
 */
export interface PolicyScheduler extends Policies, BackgroundPublisher {}

interface SchedulerContext extends BackgroundContext {
  /** The key as the lifecycle reads it: `undefined` once revoked or gone. */
  readonly get: (id: string) => Promise<ApiKey | undefined>
  /** Revokes with actor `policy`. */
  readonly revoke: (id: string) => Promise<unknown>
  /** One page of an owner's keys, revoked ones aside (`keys.listPage`). */
  readonly list: (ownerId: string, cursor: string | undefined) => Promise<KeyPage>
  /** Whether the audit log holds event `id` (of `type`, about `keyId` of `ownerId`). */
  readonly audited: (ownerId: string, keyId: string, type: string, id: string) => Promise<boolean>
  /**
   * Resolves once every event emitted so far is stored: in the audit log and in the webhook
   * queue. A job is completed only after it, so a crash before never loses its event.
   */
  readonly settle: () => Promise<void>
}

type Action = 'expiring' | 'expired' | 'idle' | 'revoke_idle' | 'rotation_due'
interface Job {
  action: Action
  keyId: string
  /** The key's end the job was scheduled for (expiry jobs). */
  expiresAt?: number
  threshold?: string
  /** When the job's condition is met (a reminder's threshold, the end, the age): its event's `at`. */
  dueAt?: number
}

const DAY = 86_400_000
const BATCH = 50
/** How long a claimed job stays hidden from other instances while this one acts on it. */
const LEASE = 5 * 60_000

/** Builds the scheduler; nothing runs until {@link PolicyScheduler.start}. */
export function createPolicyScheduler(
  config: ResolvedPolicies,
  ctx: SchedulerContext,
): PolicyScheduler {
  const { queue } = config
  const pending = new Set<Promise<void>>()
  let timer: ReturnType<typeof setInterval> | undefined
  let running: Promise<number> | undefined
  let closed = false

  const flush = async () => {
    while (pending.size > 0) await Promise.all(pending)
  }
  const run = async (): Promise<number> => {
    await flush()
    const jobs = await queue.claim(ctx.now(), BATCH, LEASE)
    const acted: string[] = []
    for (const delivery of jobs) {
      try {
        if (await act(delivery, config, ctx)) acted.push(delivery.id)
      } catch (error) {
        ctx.onError(error)
      }
    }
    // Completed once their events are stored: a crash before then leaves the jobs leased, and
    // acting on them again emits the same events (same ids), which the logs and queues keep once.
    if (acted.length > 0) {
      await ctx.settle()
      for (const id of acted) await queue.complete(id)
    }
    return acted.length + (jobs.length === BATCH ? await run() : 0)
  }
  const tick = () => {
    if (closed || running) return
    running = run()
      .catch((error) => {
        ctx.onError(error)
        return 0
      })
      .finally(() => {
        running = undefined
      })
  }

  return {
    publish(event) {
      if (closed) return
      const jobs = jobsFor(event, config)
      if (jobs.length === 0) return
      const scheduled = Promise.all(jobs.map(([job, dueAt]) => queue.enqueue([job], dueAt)))
      const settled = scheduled.then(
        () => {},
        (error) => ctx.onError(error),
      )
      pending.add(settled)
      void settled.then(() => pending.delete(settled))
    },
    run,
    flush,
    async schedule(ownerId) {
      let scheduled = 0
      let cursor: string | undefined
      do {
        const page = await ctx.list(ownerId, cursor)
        const at = ctx.now()
        for (const key of page.keys) {
          if (key.rotatedTo !== undefined || at >= key.expiresAt) continue
          const jobs = await notFiredYet(
            jobsFor({ type: 'created', key, at }, config),
            key,
            at,
            ctx,
          )
          await Promise.all(jobs.map(([job, dueAt]) => queue.enqueue([job], dueAt)))
          scheduled += 1
        }
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined)
      return scheduled
    },
    start() {
      timer = setInterval(tick, config.interval)
      ;(timer as { unref?: () => void }).unref?.()
    },
    async close() {
      await flush()
      closed = true
      if (timer !== undefined) clearInterval(timer)
      await running
    },
  }
}

/** The jobs an event schedules, with their due times: new keys, rotations, moved expiries. */
function jobsFor(event: KeyEvent, config: ResolvedPolicies): Array<[WebhookDelivery, number]> {
  if (event.type !== 'created' && event.type !== 'rotated' && event.type !== 'updated') return []
  const { key } = event
  const rules: ResolvedRules = config.owners.get(key.ownerId) ?? config.rules
  const jobs: Array<[Job, number]> = []
  if (event.type === 'updated' && !event.changes.includes('expiresAt')) return []
  const { expiresAt } = key
  for (const { label, ms } of rules.expiryReminders) {
    if (expiresAt - ms > event.at) {
      jobs.push([
        { action: 'expiring', keyId: key.id, expiresAt, threshold: label },
        expiresAt - ms,
      ])
    }
  }
  jobs.push([{ action: 'expired', keyId: key.id, expiresAt }, expiresAt])
  if (event.type !== 'updated') {
    const { idleAfter, revokeIdleAfter, rotateAfter } = rules
    if (rotateAfter !== undefined)
      jobs.push([{ action: 'rotation_due', keyId: key.id }, key.createdAt + rotateAfter])
    if (idleAfter !== undefined)
      jobs.push([{ action: 'idle', keyId: key.id }, key.createdAt + idleAfter])
    if (revokeIdleAfter !== undefined) {
      jobs.push([{ action: 'revoke_idle', keyId: key.id }, key.createdAt + revokeIdleAfter])
    }
  }
  return jobs.map(([job, dueAt]) => {
    job.dueAt = dueAt
    const id = ['pol', job.keyId, job.action, job.expiresAt, job.threshold]
      .filter(Boolean)
      .join(':')
    const delivery = {
      id,
      messageId: id,
      endpointId: job.keyId,
      type: job.action,
      body: JSON.stringify(job),
      enqueuedAt: event.at,
      attempts: 0,
    }
    return [delivery, dueAt]
  })
}

/**
 * The jobs of `key` without those already acted on: a job due before `at` (an age or idle
 * notice) whose event the audit log holds was done by an earlier schedule.
 */
async function notFiredYet(
  jobs: Array<[WebhookDelivery, number]>,
  key: ApiKey,
  at: number,
  ctx: SchedulerContext,
): Promise<Array<[WebhookDelivery, number]>> {
  const kept: Array<[WebhookDelivery, number]> = []
  for (const [job, dueAt] of jobs) {
    const fired =
      dueAt <= at &&
      (job.type === 'rotation_due' || job.type === 'idle') &&
      (await ctx.audited(key.ownerId, key.id, job.type, await eventIdOf(job.id)))
    if (!fired) kept.push([job, dueAt])
  }
  return kept
}

/**
 * Acts on a claimed job against the key as it stands now: fires its event (or revokes), which
 * the caller completes once stored; reschedules an idle check whose key was used meanwhile; or
 * drops a job its key outgrew (revoked, rotated, its expiry moved). Resolves `true` when it
 * acted. The event's id comes from the job's and its `at` is when the condition was met, so
 * acting on the job again (after a crash) emits the very same event.
 */
async function act(
  delivery: WebhookDelivery,
  config: ResolvedPolicies,
  ctx: SchedulerContext,
): Promise<boolean> {
  const job = JSON.parse(delivery.body) as Job
  const { queue } = config
  const key = await ctx.get(job.keyId)
  const now = ctx.now()
  const stale =
    !key ||
    key.rotatedTo !== undefined ||
    (job.expiresAt !== undefined && key.expiresAt !== job.expiresAt) ||
    (job.action !== 'expired' && now >= key.expiresAt)
  if (stale) {
    await queue.complete(delivery.id)
    return false
  }
  if (job.action === 'expired' && now < key.expiresAt) {
    await queue.retry(delivery.id, key.expiresAt)
    return false
  }
  const id = await eventIdOf(delivery.id)
  // Jobs queued before `dueAt` was kept fire at the time they are acted on.
  const at = Math.min(job.dueAt ?? now, now)
  if (job.action === 'idle' || job.action === 'revoke_idle') {
    const rules = config.owners.get(key.ownerId) ?? config.rules
    const after = (job.action === 'idle' ? rules.idleAfter : rules.revokeIdleAfter) ?? 0
    const idleSince = key.lastUsedAt ?? key.createdAt
    if (now < idleSince + after) {
      await queue.retry(delivery.id, idleSince + after)
      return false
    }
    if (job.action === 'revoke_idle') await ctx.revoke(key.id)
    else
      await ctx.emit({ type: 'idle', key, idleSince, at: idleSince + after, actor: 'policy' }, id)
  } else if (job.action === 'expiring') {
    const daysLeft = Math.ceil((key.expiresAt - at) / DAY)
    await ctx.emit(
      { type: 'expiring', key, threshold: job.threshold!, daysLeft, at, actor: 'policy' },
      id,
    )
  } else {
    await ctx.emit({ type: job.action, key, at, actor: 'policy' }, id)
  }
  return true
}

/** The stable event id of a job: `evt_` and 16 base62 characters of its id's SHA-256. */
async function eventIdOf(jobId: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(jobId)),
  )
  let id = 'evt_'
  for (let i = 0; i < 16; i++) id += BASE62[(digest[i] as number) % 62]
  return id
}
