import { createKeyward } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { nextMessage, request, startChild, stopChild, wallClock } from '../child.js'
import { load } from '../load.js'
import { percentile } from '../micro.js'
import { benchRedis, deleteNamespace } from '../redis-server.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

interface Key {
  type: 'key'
  id: string
  token: string
}
interface Rejected {
  type: 'rejected'
  at: number
  code: string
}
interface LoadDone {
  type: 'result'
  requests: number
  failures: number
  seconds: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const ms = (value: number) => `${value.toFixed(2)} ms`

/**
 * Case 4: from `keys.revoke()` in process A (this runner) to process B rejecting the token,
 * while B serves autocannon load; against a bare Redis pub/sub message timed the same way.
 */
export async function revocationCase(settings: BenchSettings): Promise<CaseResult> {
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_rev_${process.pid}_${Date.now()}`
  const b = startChild('src/servers/redis-app.ts', [redis.url, namespace, '10000'])
  const client = new Redis(redis.url)
  let loader: ReturnType<typeof startChild> | undefined
  const a = createKeyward({
    prefix: 'kw_live',
    store: new RedisTokenStore(client, { namespace }),
    revocations: new RedisRevocationList(client, { namespace }),
  })
  try {
    const { port } = await nextMessage<{ type: 'ready'; port: number }>(b, 'ready')
    await a.ready()
    const loadKey = await request<Key>(b, { type: 'create-key' }, 'key')
    const url = `http://127.0.0.1:${port}/v1/projects`
    const { connections, pipelining } = settings.http
    const capacity = await load(url, {
      seconds: settings.http.roundSeconds,
      connections,
      pipelining,
      headers: { authorization: `Bearer ${loadKey.token}` },
    })

    /** Times `samples` revocations and as many bare messages while B serves `rate` req/s (or all it can). */
    const measure = async (rate: number | undefined) => {
      loader = startChild('src/probes/load.ts', [
        url,
        `Bearer ${loadKey.token}`,
        String(connections),
        String(pipelining),
        ...(rate === undefined ? [] : [String(Math.round(rate))]),
      ])
      await nextMessage(loader, 'started')
      await sleep(300) // let the load settle
      const keyward = { fromCall: [] as number[], fromReturn: [] as number[] }
      const raw = { fromCall: [] as number[], fromReturn: [] as number[] }
      for (let i = 0; i < settings.revocation.samples * 2; i++) {
        const bare = i % 2 === 1
        let revoke: () => Promise<unknown>
        if (bare) {
          await request(b, { type: 'arm-raw' }, 'armed')
          revoke = () => client.publish(`${namespace}:bench-raw`, 'revoked')
        } else {
          const { token, key } = await a.keys.create({
            name: 'revoked in the benchmark',
            ownerId: 'org_bench',
            scopes: ['projects:read'],
            expiresIn: '1h',
          })
          await request(b, { type: 'arm', token }, 'armed')
          revoke = () => a.keys.revoke(key.id)
        }
        const rejected = nextMessage<Rejected>(b, 'rejected', 10_000)
        await sleep(Math.random() * 3)
        const calledAt = wallClock()
        await revoke()
        const returnedAt = wallClock()
        const { at, code } = await rejected
        if (code !== (bare ? 'message' : 'revoked_token')) throw new Error(`B answered ${code}`)
        const into = bare ? raw : keyward
        into.fromCall.push(at - calledAt)
        into.fromReturn.push(at - returnedAt)
      }
      loader.send({ type: 'stop' })
      const served = await nextMessage<LoadDone>(loader, 'result')
      await stopChild(loader)
      loader = undefined
      if (served.failures > 0) throw new Error(`B failed ${served.failures} requests under load`)
      return { keyward, raw, served }
    }

    const half = await measure(capacity.requestsPerSecond / 2)
    const saturated = await measure(undefined)

    const rows = (level: string, m: Awaited<ReturnType<typeof measure>>): Row[] =>
      [50, 99].flatMap((p) =>
        (['fromReturn', 'fromCall'] as const).map((from) => {
          const candidate = percentile(m.keyward[from], p)
          const baseline = percentile(m.raw[from], p)
          return {
            case: `${level}: p${p} from revoke() ${from === 'fromCall' ? 'called' : 'returning'} in A to B refusing`,
            baseline: 'bare Redis PUBLISH seen by B, same loop',
            ratio: baseline > 0 ? candidate / baseline : null,
            format: 'times',
            measured: ms(candidate),
            baselineMeasured: ms(baseline),
            raw: m,
          } satisfies Row
        }),
      )
    const servedNote = (level: string, m: Awaited<ReturnType<typeof measure>>) =>
      `${level}: B served ${m.served.requests} requests (${(m.served.requests / m.served.seconds).toFixed(0)} req/s) during the samples, none failed.`
    const p99 = percentile(half.keyward.fromReturn, 99)
    return {
      section: {
        id: 'revocation',
        title: '4. Revocation propagation over Redis',
        description:
          'Process A (the runner) calls `keyward.keys.revoke(id)`; process B, an Express app with ' +
          '`apiKeyAuth` over RedisTokenStore and RedisRevocationList, had verified that key and checks it ' +
          'again on every turn of its event loop until it is refused (`revoked_token`). Both take times ' +
          'from `performance.timeOrigin + performance.now()`, the shared machine clock. Meanwhile ' +
          `autocannon (its own process, ${settings.http.connections} connections) loads B with another key, first at ` +
          'half of the req/s B managed flat out, then flat out. At each level ' +
          `${settings.revocation.samples} revocations, interleaved with as many bare PUBLISH messages ` +
          'that B watches for in the same loop (the baseline: what any pub/sub-based design pays). ' +
          'The target applies at half capacity.',
        rows: [...rows('B at half capacity', half), ...rows('B saturated', saturated)],
        notes: [
          `B's capacity, measured first: ${capacity.requestsPerSecond.toFixed(0)} req/s. ${servedNote('Half', half)} ${servedNote('Saturated', saturated)}`,
          "Saturated, B's event loop is busy with queued requests, so the time to run its next check dominates; the bare message pays the same.",
          'A value below zero means B refused the key before `revoke()` had returned in A: the message reaches B ' +
            'as soon as Redis runs the script, while A still waits for the reply.',
          redis.private
            ? `Redis: a private redis-server (${redis.url}).`
            : `Redis: the shared server (${redis.url}), namespace ${namespace}.`,
        ],
      },
      targets: [
        {
          name: 'revocation propagation p99 (from revoke() returning)',
          measured: p99,
          unit: 'ms',
          goal: '≤ 5 ms',
          met: p99 <= 5,
          note: `bare PUBLISH p99 in the same run: ${ms(percentile(half.raw.fromReturn, 99))}`,
        },
      ],
    }
  } finally {
    if (loader) await stopChild(loader)
    await stopChild(b)
    await a.close()
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    await redis.stop()
  }
}
