import { afterEach, describe, expect, it } from 'vitest'
import { startReceiver, webhookSecret } from '../../../../test/support/webhook-receiver.js'
import { DAY, T0 } from '../../test/keyward.js'
import { MemoryAuditLog } from '../backends/memory-audit-log.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { createKeyward, type Keyward } from '../keyward.js'
import type { KeyEvent } from '../types.js'
import { MemoryWebhookQueue } from '../webhooks/memory-webhook-queue.js'
import type { PoliciesOptions } from './options.js'

const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const keyward of open.splice(0)) await keyward.close()
})

describe('policies options', () => {
  const build = (policies: unknown) => () =>
    createKeyward({ policies: policies as PoliciesOptions })
  it.each([
    [{ expiryReminders: '7d' }, 'policies.expiryReminders must be an array'],
    [{ expiryReminders: ['7x'] }, 'policies.expiryReminders[0] must be'],
    [{ expiryReminders: [0] }, 'policies.expiryReminders[0] must be'],
    [{ idleAfter: 'soon' }, 'policies.idleAfter must be'],
    [{ idleAfter: '30d', revokeIdleAfter: '7d' }, 'policies.revokeIdleAfter must not be shorter'],
    [{ rotateAfter: -1 }, 'policies.rotateAfter must be'],
    [{ owners: { org_1: { rotateAfter: 'x' } } }, 'policies.owners["org_1"].rotateAfter must be'],
    [{ owners: 'x' }, 'policies.owners must be an object'],
    [{ queue: {} }, 'policies.queue must'],
    [{ interval: 0 }, 'policies.interval must be'],
  ])('refuses %j at construction', (policies, message) => {
    expect(build(policies)).toThrow(TypeError)
    expect(build(policies)).toThrow(message)
  })
})

/** Three instances on one store, one revocation list and one policy queue, on one hand-driven clock. */
function threeInstances() {
  const clock = { now: T0 }
  const now = () => clock.now
  const store = new MemoryTokenStore()
  const revocations = new MemoryRevocationList({ now })
  const queue = new MemoryWebhookQueue()
  const events: Array<KeyEvent & { instance: number }> = []
  const instances = [0, 1, 2].map((instance) => {
    const keyward = createKeyward({
      store,
      revocations,
      now,
      onEvent: (event) => void events.push({ ...event, instance }),
      policies: {
        queue,
        expiryReminders: ['30d', '7d', '1d'],
        rotateAfter: '20d',
        owners: { org_idle: { expiryReminders: [], idleAfter: '15d', revokeIdleAfter: '25d' } },
      },
    })
    open.push(keyward)
    return keyward
  })
  const runDay = async () => {
    clock.now += DAY
    await Promise.all(instances.map((k) => k.policies!.run()))
  }
  return { clock, instances, events, runDay }
}

describe('lifecycle policies on three instances', () => {
  it('fires each reminder, rotation notice, expiry, idle notice and idle revocation once', async () => {
    const { instances, events, runDay, clock } = threeInstances()
    const [a, b] = instances as [Keyward, Keyward, Keyward]
    const base = { scopes: [], expiresIn: '40d' } as const
    const { key } = await a.keys.create({ ...base, name: 'reminded', ownerId: 'org_1' })
    const idle = await b.keys.create({ ...base, name: 'idle', ownerId: 'org_idle' })
    const fired: Array<[number, string, string, unknown]> = []
    for (let day = 1; day <= 42; day++) {
      // Before this day's run: the clock still reads day 4.
      if (day === 5) {
        await a.verify(idle.token)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      const before = events.length
      await runDay()
      for (const e of events.slice(before)) {
        if (e.type === 'created') continue
        const id = 'key' in e ? e.key.id : 'keyId' in e ? e.keyId : ''
        const detail = e.type === 'expiring' ? e.daysLeft : 'actor' in e ? e.actor : undefined
        fired.push([day, e.type, id === key.id ? 'reminded' : 'idle', detail])
      }
    }
    // Within a day, instances may act in any order.
    fired.sort((x, y) => x[0] - y[0] || `${x[1]}${x[2]}`.localeCompare(`${y[1]}${y[2]}`))
    expect(fired).toEqual([
      [10, 'expiring', 'reminded', 30],
      [19, 'idle', 'idle', 'policy'],
      [20, 'rotation_due', 'idle', 'policy'],
      [20, 'rotation_due', 'reminded', 'policy'],
      [29, 'revoked', 'idle', 'policy'],
      [33, 'expiring', 'reminded', 7],
      [39, 'expiring', 'reminded', 1],
      [40, 'expired', 'reminded', 'policy'],
    ])
    expect(await a.keys.get(idle.key.id)).toBeUndefined()
    const idleEvent = events.find((e) => e.type === 'idle')
    // Used on day 5 (the clock still at day 4's reading): idle 15 days later, revoked 25.
    expect(idleEvent).toMatchObject({ idleSince: T0 + 4 * DAY })
    expect(clock.now).toBe(T0 + 42 * DAY)
  })

  it('drops what a key outgrew: a moved expiry reminds on the new date, a revoked key says nothing', async () => {
    const { instances, events, runDay } = threeInstances()
    const [a] = instances as [Keyward, Keyward, Keyward]
    const moved = await a.keys.create({
      name: 'moved',
      ownerId: 'org_1',
      scopes: [],
      expiresIn: '40d',
    })
    const revoked = await a.keys.create({
      name: 'gone',
      ownerId: 'org_1',
      scopes: [],
      expiresIn: '40d',
    })
    await a.keys.revoke(revoked.key.id)
    for (let day = 1; day <= 12; day++) await runDay()
    await a.keys.update(moved.key.id, { expiresIn: '20d' })
    for (let day = 13; day <= 35; day++) await runDay()
    const policyEvents = events.filter((e) => 'actor' in e && e.actor === 'policy')
    expect(
      policyEvents.map((e) => [e.type, e.type === 'expiring' ? e.daysLeft : undefined]),
    ).toEqual([
      ['expiring', 30],
      ['rotation_due', undefined],
      ['expiring', 7],
      ['expiring', 1],
      ['expired', undefined],
    ])
    expect(policyEvents.every((e) => 'key' in e && e.key.id === moved.key.id)).toBe(true)
  })
})

describe('a policy action repeated after a crash', () => {
  it('emits the very same event: the audit log keeps it once, every delivery carries one webhook-id', async () => {
    const clock = { now: T0 }
    const now = () => clock.now
    const store = new MemoryTokenStore()
    const revocations = new MemoryRevocationList({ now })
    const jobs = new MemoryWebhookQueue()
    const deliveries = new MemoryWebhookQueue()
    const log = new MemoryAuditLog({ now })
    const secret = webhookSecret()
    const receiver = await startReceiver(secret)
    open.push(receiver)
    const events: KeyEvent[] = []
    // A's process dies after acting and storing the event, before completing the job.
    const dying = new Proxy(jobs, {
      get(target, name) {
        if (name === 'complete') {
          return async () => {
            throw new Error('the process died before completing the job')
          }
        }
        const value = Reflect.get(target, name)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const instance = (queue: MemoryWebhookQueue) => {
      const keyward = createKeyward({
        store,
        revocations,
        now,
        onEvent: (event) => void events.push(event),
        audit: { log },
        webhooks: { endpoints: [{ url: receiver.url, secret }], queue: deliveries },
        policies: { queue, expiryReminders: ['7d'] },
      })
      open.push(keyward)
      return keyward
    }
    const a = instance(dying)
    const b = instance(jobs)
    const { key } = await a.keys.create({
      name: 'k',
      ownerId: 'org_1',
      scopes: [],
      expiresIn: '10d',
    })

    clock.now = T0 + 3 * DAY + 1
    await expect(a.policies!.run()).rejects.toThrow('the process died')
    // Still leased: B finds nothing to do until the lease (5 minutes) runs out.
    expect(await b.policies!.run()).toBe(0)
    clock.now += 5 * 60_000 + 1
    expect(await b.policies!.run()).toBe(1)

    const reminders = events.filter((event) => event.type === 'expiring')
    expect(reminders).toHaveLength(2)
    expect(reminders[1]).toEqual(reminders[0])
    // The event is when the threshold was crossed, whoever acted on it and when.
    expect(reminders[0]).toMatchObject({ at: key.expiresAt - 7 * DAY, daysLeft: 7 })
    await a.audit.flush()
    await b.audit.flush()
    const audited = await log.list({ ownerId: 'org_1', type: 'expiring' })
    expect(audited.events).toHaveLength(1)
    const expiring = () => receiver.accepted().filter((hook) => hook.body.type === 'key.expiring')
    await expect.poll(() => expiring().length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1)
    const sent = expiring()
    expect(new Set(sent.map((hook) => hook.id)).size).toBe(1)
    expect(sent[0]?.id).toBe(`msg_${audited.events[0]?.id.slice('evt_'.length)}`)
  })
})

describe('policies turned on over existing keys', () => {
  it('schedule(ownerId) gives live keys their jobs: reminders still ahead fire once, a second schedule repeats nothing', async () => {
    const clock = { now: T0 }
    const now = () => clock.now
    const store = new MemoryTokenStore()
    const revocations = new MemoryRevocationList({ now })
    const log = new MemoryAuditLog({ now })
    const before = createKeyward({ store, revocations, now, audit: { log } })
    open.push(before)
    const base = { ownerId: 'org_1', scopes: [] } as const
    const soon = await before.keys.create({ ...base, name: 'soon', expiresIn: '20d' })
    const later = await before.keys.create({ ...base, name: 'later', expiresIn: '60d' })
    const gone = await before.keys.create({ ...base, name: 'gone', expiresIn: '60d' })
    await before.keys.revoke(gone.key.id)
    const rotated = await before.keys.create({ ...base, name: 'rotated', expiresIn: '60d' })
    await before.keys.rotate(rotated.key.id, { gracePeriod: '1h' })
    await before.keys.create({ name: 'theirs', ownerId: 'org_2', scopes: [], expiresIn: '20d' })

    clock.now = T0 + 15 * DAY
    const events: KeyEvent[] = []
    const after = createKeyward({
      store,
      revocations,
      now,
      audit: { log },
      onEvent: (event) => void events.push(event),
      policies: {
        queue: new MemoryWebhookQueue(),
        expiryReminders: ['30d', '7d'],
        rotateAfter: '10d',
      },
    })
    open.push(after)
    // soon, later and the successor of rotated (the rotated-out key and the revoked one have none).
    expect(await after.policies!.schedule('org_1')).toBe(3)
    const fired = async () => {
      await after.policies!.run()
      return events
        .filter((event) => 'actor' in event && event.actor === 'policy')
        .map((event) => `${event.type} ${'key' in event ? event.key.name : ''}`)
        .sort()
    }
    // At once: the age notices already due (the successor of "rotated" is as old as the others).
    expect(await fired()).toEqual([
      'rotation_due later',
      'rotation_due rotated',
      'rotation_due soon',
    ])
    expect(await after.policies!.schedule('org_1')).toBe(3)
    for (const day of [31, 54, 61]) {
      clock.now = T0 + day * DAY
      await fired()
    }
    // "soon" had crossed both thresholds before policies were on: only its end is told.
    expect(await fired()).toEqual([
      'expired later',
      'expired rotated',
      'expired soon',
      'expiring later',
      'expiring later',
      'expiring rotated',
      'expiring rotated',
      'rotation_due later',
      'rotation_due rotated',
      'rotation_due soon',
    ])
    await after.audit.flush()
    const audited = await after.audit.list({ ownerId: 'org_1', type: 'rotation_due' })
    // Scheduled twice: each key's notice once, in the audit log as in onEvent.
    expect(audited.events).toHaveLength(3)
    expect(audited.events.map((event) => event.keyId)).toEqual(
      expect.arrayContaining([later.key.id, soon.key.id]),
    )
    expect((await after.audit.list({ ownerId: 'org_2', type: 'expiring' })).events).toEqual([])
  })
})

describe('a policy action whose event could not be stored', () => {
  it('is not completed: acted on again after its lease, its event stored once', async () => {
    const clock = { now: T0 }
    const now = () => clock.now
    const log = new MemoryAuditLog({ now })
    let down = false
    const flaky = new Proxy(log, {
      get(target, name) {
        if (name === 'append' && down) {
          return async () => {
            throw new Error('audit log down')
          }
        }
        const value = Reflect.get(target, name)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const errors: unknown[] = []
    const keyward = createKeyward({
      now,
      audit: { log: flaky },
      onError: (error) => void errors.push(error),
      policies: { queue: new MemoryWebhookQueue(), expiryReminders: ['7d'] },
    })
    open.push(keyward)
    const { key } = await keyward.keys.create({
      name: 'k',
      ownerId: 'org_1',
      scopes: [],
      expiresIn: '10d',
    })
    await keyward.audit.flush()
    down = true
    clock.now = T0 + 3 * DAY + 1
    await expect(keyward.policies!.run()).rejects.toMatchObject({ code: 'unavailable' })
    down = false
    expect(await keyward.policies!.run()).toBe(0)
    clock.now += 5 * 60_000 + 1
    expect(await keyward.policies!.run()).toBe(1)
    const { events } = await keyward.audit.list({ ownerId: 'org_1', type: 'expiring' })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ keyId: key.id, at: key.expiresAt - 7 * DAY })
    expect(errors).toHaveLength(1)
  })
})
