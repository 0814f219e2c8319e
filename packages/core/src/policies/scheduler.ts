import type { ApiKey, KeyEvent } from '../types.js'
import type { BackgroundContext, BackgroundPublisher } from '../webhooks/events.js'
import type { WebhookDelivery } from '../webhooks/queue.js'
import type { ResolvedPolicies, ResolvedRules } from './options.js'

/** What `keyward.policies` offers. */
export interface Policies {
  /** Runs one pass now: claims due jobs and acts on them. Resolves to the number of actions taken. */
  run(): Promise<number>
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
}

type Action = 'expiring' | 'expired' | 'idle' | 'revoke_idle' | 'rotation_due'
interface Job {
  action: Action
  keyId: string
  /** The key's end the job was scheduled for (expiry jobs). */
  expiresAt?: number
  threshold?: string
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
    let acted = 0
    for (const delivery of jobs) {
      try {
        if (await act(delivery, config, ctx)) acted += 1
      } catch (error) {
        ctx.onError(error)
      }
    }
    return acted + (jobs.length === BATCH ? await run() : 0)
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
  const { type } = event
  if (type !== 'created' && type !== 'imported' && type !== 'rotated' && type !== 'updated') {
    return []
  }
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
 * Acts on a claimed job against the key as it stands now: fires its event (or revokes) and
 * completes it, reschedules an idle check whose key was used meanwhile, or drops a job its
 * key outgrew (revoked, rotated, its expiry moved). Resolves `true` when it acted.
 */
async function act(
  delivery: WebhookDelivery,
  config: ResolvedPolicies,
  ctx: SchedulerContext,
): Promise<boolean> {
  const job = JSON.parse(delivery.body) as Job
  const { queue } = config
  const key = await ctx.get(job.keyId)
  const at = ctx.now()
  const stale =
    !key ||
    key.rotatedTo !== undefined ||
    (job.expiresAt !== undefined && key.expiresAt !== job.expiresAt) ||
    (job.action !== 'expired' && at >= key.expiresAt)
  if (stale) {
    await queue.complete(delivery.id)
    return false
  }
  if (job.action === 'expired' && at < key.expiresAt) {
    await queue.retry(delivery.id, key.expiresAt)
    return false
  }
  if (job.action === 'idle' || job.action === 'revoke_idle') {
    const rules = config.owners.get(key.ownerId) ?? config.rules
    const after = (job.action === 'idle' ? rules.idleAfter : rules.revokeIdleAfter) ?? 0
    const idleSince = key.lastUsedAt ?? key.createdAt
    if (at < idleSince + after) {
      await queue.retry(delivery.id, idleSince + after)
      return false
    }
    if (job.action === 'revoke_idle') await ctx.revoke(key.id)
    else await ctx.emit({ type: 'idle', key, idleSince, at, actor: 'policy' })
  } else if (job.action === 'expiring') {
    const daysLeft = Math.ceil((key.expiresAt - at) / DAY)
    await ctx.emit({
      type: 'expiring',
      key,
      threshold: job.threshold!,
      daysLeft,
      at,
      actor: 'policy',
    })
  } else {
    await ctx.emit({ type: job.action, key, at, actor: 'policy' })
  }
  await queue.complete(delivery.id)
  return true
}
