/**
 * Case 12: signed webhooks and lifecycle policies (issue 24). The request path with both on
 * against both off, in the same run, and the delivery latency from a lifecycle event to a
 * receiver on 127.0.0.1, through a Redis queue.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RedisWebhookQueue } from '@keyward/redis'
import { Redis } from 'ioredis'
import { compare, percentile } from '../micro.js'
import { benchRedis, deleteNamespace } from '../redis-server.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import { keywardWithKey, microRow } from './verify.js'

/** The request path may cost at most this much more with webhooks and policies on. */
const GOAL = 1.03
const SECRET = `whsec_${Buffer.from('keyward-bench-webhook-secret-32b').toString('base64')}`
const DELIVERIES: Record<BenchSettings['mode'], number> = { quick: 50, full: 300 }

/** A receiver answering 200 at once; `arrived(type)` resolves at the next delivery of that type. */
async function receiver() {
  const waiters: Array<(at: number) => void> = []
  const server = createServer((req, res) => {
    const at = performance.now()
    req.resume()
    req.on('end', () => {
      res.writeHead(200).end()
      waiters.shift()?.(at)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    next: () => new Promise<number>((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Case 12: `check()` with webhooks and policies on ÷ off, and event-to-receiver latency. */
export async function webhooksCase(settings: BenchSettings): Promise<CaseResult> {
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_hooks_${process.pid}_${Date.now().toString(36)}`
  const client = new Redis(redis.url)
  const hooks = await receiver()
  const on = await keywardWithKey({
    webhooks: {
      endpoints: [{ url: hooks.url, secret: SECRET }],
      queue: new RedisWebhookQueue(client, { namespace }),
    },
    policies: {
      queue: new RedisWebhookQueue(client, { namespace, queue: 'policies' }),
      expiryReminders: ['30d', '7d', '1d'],
      idleAfter: '90d',
      rotateAfter: '180d',
      interval: 1,
    },
  })
  const off = await keywardWithKey()
  try {
    await on.keyward.verify(on.token)
    await off.keyward.verify(off.token)
    const comparison = await compare(
      { name: 'check, webhooks + policies on', run: () => on.keyward.check(on.token) },
      { name: 'check, webhooks + policies off', run: () => off.keyward.check(off.token) },
      settings.micro,
    )
    const latencies: number[] = []
    for (let i = 0; i < DELIVERIES[settings.mode]; i++) {
      const arrived = hooks.next()
      const before = performance.now()
      await on.keyward.keys.create({
        name: `b${i}`,
        ownerId: 'org_bench',
        scopes: [],
        expiresIn: '1d',
      })
      latencies.push((await arrived) - before)
    }
    const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)]
    const rows: Row[] = [
      microRow(
        'check() — cache hit, webhooks + policies on',
        comparison,
        'Redis queues, dispatcher and scheduler running',
      ),
      {
        case: `keys.create() called → signed delivery at the receiver, p50 (${latencies.length} events)`,
        baseline: 'p99',
        ratio: p99 === 0 ? null : p50 / p99,
        format: 'times',
        measured: `${p50.toFixed(2)} ms`,
        baselineMeasured: `${p99.toFixed(2)} ms`,
        raw: latencies,
      },
    ]
    return {
      section: {
        id: 'webhooks',
        title: '12. Webhooks and lifecycle policies',
        description:
          '`check()` on a cache hit in an instance with webhooks (Redis queue, one endpoint on ' +
          '127.0.0.1) and policies (Redis queue, reminders, idle and rotation rules, a 1 s ' +
          'scheduler) against an instance with neither, in alternating batches of the same run; ' +
          'then, one event at a time, the time from calling `keys.create()` to the signed ' +
          'delivery reaching a node:http receiver in this process (enqueue in Redis, claim, sign, POST).',
        rows,
        notes: [],
      },
      targets: [
        {
          name: 'check() with webhooks + policies on ÷ off',
          measured: comparison.ratio,
          unit: 'times',
          goal: `≤ ${GOAL.toFixed(2)}×`,
          met: comparison.ratio <= GOAL,
        },
        {
          name: 'webhook delivery latency, event → receiver, p99',
          measured: p99,
          unit: 'ms',
          goal: 'reported',
          met: null,
          note: `p50 ${p50.toFixed(2)} ms over ${latencies.length} events`,
        },
      ],
    }
  } finally {
    await on.keyward.close()
    await off.keyward.close()
    await hooks.close()
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    await redis.stop()
  }
}
