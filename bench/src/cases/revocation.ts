import { createKeyward } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { nextMessage, request, startChild, stopChild } from '../child.js'
import { load } from '../load.js'
import { percentile } from '../micro.js'
import { benchRedis, deleteNamespace } from '../redis-server.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import {
  interleave,
  issueKeys,
  ms,
  quantileRatio,
  quantileRows,
  rawSamples,
  type Sample,
  timedChange,
} from '../time-to-effect.js'

interface Key {
  type: 'key'
  id: string
  token: string
}
interface LoadDone {
  type: 'result'
  requests: number
  failures: number
  seconds: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Case 4: from a revocation in process A (this runner) to process B rejecting the token, with B
 * idle and while B serves autocannon load; against a bare Redis pub/sub message timed the same way.
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
  const closing: Array<() => void> = []
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

    const revocations = a.revocations
    const rawChannel = `${namespace}:bench-raw`
    // A subscribes to the bare channel too, as the list in A subscribes to its own: in any
    // design built on pub/sub every instance subscribes, the writer included, and hears itself.
    const echo = client.duplicate()
    echo.on('message', (_channel: string, payload: string) => JSON.parse(payload))
    await echo.subscribe(rawChannel)
    closing.push(() => echo.disconnect())
    /**
     * Interleaved rounds of three kinds while B serves `rate` req/s (none when `rate` is 0, all
     * it can when `undefined`): the list's revoke(), keys.revoke() and a bare PUBLISH of the id.
     */
    const measure = async (rate: number | undefined) => {
      // Every key is issued before the timing starts, so no sample follows a write of its own.
      const issued = await issueKeys(
        a,
        3 * (settings.revocation.warmup + settings.revocation.samples),
        16,
      )
      if (rate !== 0) {
        loader = startChild('src/probes/load.ts', [
          url,
          `Bearer ${loadKey.token}`,
          String(connections),
          String(pipelining),
          ...(rate === undefined ? [] : [String(Math.round(rate))]),
        ])
        await nextMessage(loader, 'started')
        await sleep(300) // let the load settle
      }
      const timed = (
        until: 'refused' | 'message',
        act: (key: { id: string; expiresAt: number }) => unknown,
      ) => timedChange(b, issued, until, act)
      const sampled = await interleave(
        {
          list: timed('refused', (key) => revocations.revoke(key.id, key.expiresAt)),
          keys: timed('refused', (key) => a.keys.revoke(key.id)),
          bare: timed('message', (key) =>
            client.publish(rawChannel, JSON.stringify({ id: key.id })),
          ),
        },
        settings.revocation,
      )
      let served: LoadDone | undefined
      if (loader) {
        loader.send({ type: 'stop' })
        served = await nextMessage<LoadDone>(loader, 'result')
        await stopChild(loader)
        loader = undefined
        if (served.failures > 0) throw new Error(`B failed ${served.failures} requests under load`)
      }
      const of = (kind: 'list' | 'keys' | 'bare', from: keyof Sample) =>
        sampled.samples[kind].map((sample) => sample[from])
      return { sampled, served, of }
    }

    const idle = await measure(0)
    const half = await measure(capacity.requestsPerSecond / 2)

    const rows = (level: string, m: Awaited<ReturnType<typeof measure>>): Row[] => [
      ...quantileRows(
        (p) => `${level}: p${p} from revocations.revoke() called in A to B refusing`,
        'bare Redis PUBLISH seen by B, from the call, same loop',
        m.of('list', 'fromCall'),
        m.of('bare', 'fromCall'),
      ).map((row, i) => (i === 0 ? { ...row, raw: rawSamples(m.sampled.samples) } : row)),
      ...quantileRows(
        (p) => `${level}: p${p} from keys.revoke() returning in A to B refusing`,
        'bare Redis PUBLISH seen by B, from its return',
        m.of('keys', 'fromReturn'),
        m.of('bare', 'fromReturn'),
      ).map(({ note: _spread, ...row }) => ({ ...row, ratio: null })),
    ]
    const levelNote = (level: string, m: Awaited<ReturnType<typeof measure>>) =>
      `${level}: ${m.sampled.rounds} rounds kept (${m.sampled.seconds.toFixed(0)} s)` +
      (m.served
        ? `; B served ${m.served.requests} requests (${(m.served.requests / m.served.seconds).toFixed(0)} req/s), none failed.`
        : '.')
    const p99 = percentile(half.of('keys', 'fromReturn'), 99)
    const rawP99 = percentile(half.of('bare', 'fromReturn'), 99)
    const callRatio = quantileRatio(half.of('list', 'fromCall'), half.of('bare', 'fromCall'), 99)
    const idleP99 = percentile(idle.of('keys', 'fromReturn'), 99)
    return {
      section: {
        id: 'revocation',
        title: '4. Revocation propagation over Redis',
        description:
          'Process A (the runner) makes a change; process B, an Express app with `apiKeyAuth` over ' +
          'RedisTokenStore and RedisRevocationList, has verified a fresh key and runs `check()` on it ' +
          'on every turn of its event loop until the change shows: the key refused (`revoked_token`), ' +
          'or (the baseline) a plain pub/sub message naming it arrived on a connection of its own (A ' +
          'subscribes to that channel too, as its list does to its own). ' +
          'Both take times from `performance.timeOrigin + performance.now()`, the shared machine ' +
          "clock. Three kinds, one sample of each per round in a random order: the list's revoke() " +
          '(the script that writes and publishes), keys.revoke() (which first reads the record and ' +
          'writes revokedAt on it) and a bare PUBLISH of the id. First with B idle, then while ' +
          `autocannon (its own process, ${settings.http.connections} connections) loads B at half of the ` +
          `req/s it managed flat out. ${settings.revocation.warmup} rounds of warm-up discarded at each ` +
          'level. Ratios are of percentiles over all kept rounds; the note gives the range over 4 ' +
          'consecutive blocks of rounds. The target applies at half capacity, from keys.revoke() returning.',
        rows: [...rows('B idle', idle), ...rows('B at half capacity', half)],
        notes: [
          `B's capacity, measured first: ${capacity.requestsPerSecond.toFixed(0)} req/s. ${levelNote('Idle', idle)} ${levelNote('Half', half)}`,
          "Under load, B's event loop is busy with queued requests, so the time to run its next check dominates; the bare message pays the same.",
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
          note:
            `bare PUBLISH p99 from its return, same rounds: ${ms(rawP99)}; from the call, list ÷ bare ` +
            `p99 ${callRatio === null ? 'n/a' : `${callRatio.toFixed(2)}×`}; B idle: ${ms(idleP99)}`,
        },
      ],
    }
  } finally {
    if (loader) await stopChild(loader)
    await stopChild(b)
    for (const close of closing) close()
    await a.close()
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    await redis.stop()
  }
}
