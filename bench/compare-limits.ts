/**
 * A/B of the limit step between two versions of core in one process: check() of a key with a
 * rate limit it never reaches and of a key without limits, on each core, each with its own
 * approximate RedisLimiter, in interleaved rounds (CPU time of each batch).
 * Usage: npx tsx bench/compare-limits.ts <old core index.ts> [rounds] (Redis at REDIS_URL, default
 * redis://127.0.0.1:6379). The old core: another checkout, e.g. `git worktree add ../base <rev>`.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RedisLimiter } from '@keyward/redis'
import { Redis } from 'ioredis'

type Core = typeof import('@keyward/core')
const [basePath, roundsArg] = process.argv.slice(2)
const rounds = Number(roundsArg ?? 21)
const base = (await import(pathToFileURL(resolve(basePath!)).href)) as Core
const current = (await import(
  pathToFileURL(resolve(import.meta.dirname, '../packages/core/src/index.ts')).href
)) as Core
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const limiters: RedisLimiter[] = []

async function setup(core: Core) {
  const limiter = new RedisLimiter(redis, { namespace: `kwab_${process.pid}`, mode: 'approximate' })
  limiters.push(limiter)
  const keyward = core.createKeyward({ prefix: 'kw_live', limiter })
  const base = { name: 'b', ownerId: 'o', scopes: ['projects:read'], expiresIn: '1h' }
  const limited = (
    await keyward.keys.create({
      ...base,
      rateLimits: [{ name: 'default', limit: 1e9, window: '1m' }],
    })
  ).token
  const unlimited = (await keyward.keys.create(base)).token
  await keyward.check(limited)
  await keyward.check(unlimited)
  return { keyward, limited, unlimited }
}
const subjects = { old: await setup(base), new: await setup(current) }
const N = 20_000
const samples: Record<string, number[]> = {}
async function batch(name: string, run: () => unknown) {
  const c = process.cpuUsage()
  for (let i = 0; i < N; i++) {
    const r = run()
    if (r instanceof Promise) await r
  }
  const d = process.cpuUsage(c)
  samples[name] ??= []
  samples[name].push(((d.user + d.system) * 1000) / N)
  // The limiters' timers and syncs run between batches, as they would between requests.
  await new Promise((r) => setTimeout(r, 20))
}
for (let round = 0; round < rounds; round++) {
  const order = (['old', 'new'] as const).slice()
  if (round % 2) order.reverse()
  for (const which of order) {
    const s = subjects[which]
    await batch(`${which} unlimited`, () => s.keyward.check(s.unlimited))
    await batch(`${which} limited`, () => s.keyward.check(s.limited))
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!
const ratio = (a: string, b: string) => med(samples[a]!.map((v, i) => v / samples[b]![i]!))
for (const [name, values] of Object.entries(samples))
  console.log(`${name.padEnd(16)} ${med(values).toFixed(0)} ns CPU/call`)
console.log(`old: limited ÷ unlimited ${ratio('old limited', 'old unlimited').toFixed(2)}×`)
console.log(`new: limited ÷ unlimited ${ratio('new limited', 'new unlimited').toFixed(2)}×`)
console.log(
  `limited, new ÷ old ${ratio('new limited', 'old limited').toFixed(3)}×; unlimited, new ÷ old ${ratio('new unlimited', 'old unlimited').toFixed(3)}×`,
)
for (const limiter of limiters) await limiter.close()
redis.disconnect()
