/**
 * A/B of the verify hot path between two versions of core, in one process, so both see the
 * same machine state: the old core (another checkout, e.g. `git worktree add ../base <rev>`
 * and `pnpm install` there) and this one are loaded side by side and timed in interleaved
 * rounds against one floor (one-shot SHA-256 + `Map.get`).
 *
 * Usage: npx tsx bench/compare-core.ts ../base/packages/core/src/index.ts [rounds] [calls]
 * Prints the median ns per call and the ratio to the floor for check() and verify() of each,
 * and the median of the per-round new/old ratios. Issue 22: the new core also times check()
 * of keys with 10 CIDR ranges in `allowedIps` from a client address inside the last one (every
 * range is tried), against check() of keys without rules in the same round (goal: ≤ 100 ns
 * more), and an IPv6 client against 10 IPv6 ranges. The keys with rules are issued on the same
 * Keyward as the keys without, as in an app (one instance per process): separate instances
 * would make the shared pipeline's call sites see several contexts and cost every row more.
 */
import { hash } from 'node:crypto'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

type Core = typeof import('@keyward/core')

const [basePath, roundsArg, callsArg] = process.argv.slice(2)
if (basePath === undefined) {
  console.error('usage: npx tsx bench/compare-core.ts <old core index.ts> [rounds]')
  process.exit(2)
}
const rounds = Number(roundsArg ?? 15)
const CALLS = Number(callsArg ?? 200_000)
const KEYS = 100

const base = (await import(pathToFileURL(resolve(basePath)).href)) as Core
const current = (await import(
  pathToFileURL(resolve(import.meta.dirname, '../packages/core/src/index.ts')).href
)) as Core

/** Ten IPv4 ranges; the bench's client is inside the last one only. */
const RANGES_V4 = Array.from({ length: 10 }, (_, i) => `10.${i}.0.0/16`)
const CLIENT_V4 = '10.9.200.7'
const RANGES_V6 = Array.from({ length: 10 }, (_, i) => `2001:db8:${i}::/48`)
const CLIENT_V6 = '2001:db8:9::1:7'

/** Issues `KEYS` keys on `keyward` (with `allowedIps` when given) and verifies each once. */
async function issue(
  keyward: ReturnType<Core['createKeyward']>,
  allowedIps?: string[],
  clientIp?: string,
) {
  const tokens: string[] = []
  for (let i = 0; i < KEYS; i++) {
    const { token } = await keyward.keys.create({
      name: `k${i}`,
      ownerId: 'o',
      scopes: ['a:b'],
      expiresIn: '1d',
      ...(allowedIps === undefined ? {} : { allowedIps }),
    } as Parameters<typeof keyward.keys.create>[0])
    tokens.push(token)
  }
  for (const token of tokens) await keyward.verify(token, clientIp ? { clientIp } : undefined)
  return { keyward, tokens }
}

const old = await issue(base.createKeyward({ prefix: 'kw_live' }))
const now = await issue(current.createKeyward({ prefix: 'kw_live' }))
// Keys with rules live in the same instance as the keys without, as in an app: one Keyward per
// process, some of its keys restricted to networks.
const ruled = await issue(now.keyward, RANGES_V4, CLIENT_V4)
const ruled6 = await issue(now.keyward, RANGES_V6, CLIENT_V6)
const hashes = new Map(old.tokens.map((token) => [hash('sha256', token, 'base64url'), 1]))

const timed = (work: (i: number) => unknown) => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) work(i)
  return Number(process.hrtime.bigint() - start) / CALLS
}
const timedAsync = async (work: (i: number) => Promise<unknown>) => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) await work(i)
  return Number(process.hrtime.bigint() - start) / CALLS
}

const samples: Record<string, number[]> = {
  floor: [],
  'await floor': [],
  'old check()': [],
  'new check()': [],
  'old verify()': [],
  'new verify()': [],
}
// Each round times both cores back to back, in alternating order (so neither always runs on a
// warmer or a colder machine), and the new/old ratio of that round is kept: the median of those
// paired ratios is far steadier on a busy machine than the ratio of two medians.
const paired: Record<'check()' | 'verify()', number[]> = { 'check()': [], 'verify()': [] }
// Issue 22: check() of a key with 10 CIDR ranges minus check() of one without, same round.
const network: Record<string, number[]> = {
  'check() 10 IPv4 ranges − no rules (ns)': [],
  'check() 10 IPv6 ranges − no rules (ns)': [],
  'check() 10 IPv4 ranges ÷ no rules': [],
}
// The new core against its floors, paired by round too (issue 28's targets).
const toFloor: Record<string, number[]> = {
  'new check() ÷ floor': [],
  'new verify() ÷ await floor': [],
  'new verify() ÷ await check()': [],
}
// The fastest round of each: on a shared machine the least disturbed sample is the truest.
const best = { plain: Infinity, ranges: Infinity, ranges6: Infinity, old: Infinity, new: Infinity }
for (let round = 0; round < rounds; round++) {
  samples.floor!.push(timed((i) => hashes.get(hash('sha256', old.tokens[i % KEYS]!, 'base64url'))))
  // verify()'s floor: the same work behind the one `await` every promise-returning API costs.
  samples['await floor']!.push(
    await timedAsync((i) =>
      Promise.resolve(hashes.get(hash('sha256', old.tokens[i % KEYS]!, 'base64url'))),
    ),
  )
  const order = round % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)
  const ns: Record<string, number> = {}
  for (const which of order) {
    const core = which === 'old' ? old : now
    ns[`${which} check()`] = timed((i) => core.keyward.check(core.tokens[i % KEYS]!))
  }
  for (const which of order) {
    const core = which === 'old' ? old : now
    ns[`${which} verify()`] = await timedAsync((i) => core.keyward.verify(core.tokens[i % KEYS]!))
  }
  // What verify() adds to check() beyond its one await: timed against check() behind one.
  const checkAwaited = await timedAsync((i) =>
    Promise.resolve(now.keyward.check(now.tokens[i % KEYS]!)),
  )
  toFloor['new verify() ÷ await check()']!.push(ns['new verify()']! / checkAwaited)
  const plain = timed((i) => now.keyward.check(now.tokens[i % KEYS]!))
  const ranges = timed((i) => ruled.keyward.check(ruled.tokens[i % KEYS]!, undefined, 1, CLIENT_V4))
  const ranges6 = timed((i) =>
    ruled6.keyward.check(ruled6.tokens[i % KEYS]!, undefined, 1, CLIENT_V6),
  )
  network['check() 10 IPv4 ranges − no rules (ns)']!.push(ranges - plain)
  network['check() 10 IPv6 ranges − no rules (ns)']!.push(ranges6 - plain)
  network['check() 10 IPv4 ranges ÷ no rules']!.push(ranges / plain)
  best.plain = Math.min(best.plain, plain)
  best.ranges = Math.min(best.ranges, ranges)
  best.ranges6 = Math.min(best.ranges6, ranges6)
  best.old = Math.min(best.old, ns['old check()']!)
  best.new = Math.min(best.new, ns['new check()']!)
  for (const [name, value] of Object.entries(ns)) samples[name]!.push(value)
  const floors = { sync: samples.floor!.at(-1)!, awaited: samples['await floor']!.at(-1)! }
  toFloor['new check() ÷ floor']!.push(ns['new check()']! / floors.sync)
  toFloor['new verify() ÷ await floor']!.push(ns['new verify()']! / floors.awaited)
  paired['check()'].push(ns['new check()']! / ns['old check()']!)
  paired['verify()'].push(ns['new verify()']! / ns['old verify()']!)
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!
const floor = median(samples.floor!)
const awaitFloor = median(samples['await floor']!)
for (const [name, values] of Object.entries(samples)) {
  const ns = median(values)
  const versus = name.includes('verify') || name === 'await floor' ? awaitFloor : floor
  const against = versus === floor ? 'floor' : 'await floor'
  console.log(
    `${name.padEnd(13)} ${ns.toFixed(0).padStart(6)} ns  ${(ns / versus).toFixed(2)}× ${against}`,
  )
}
const spread = (ratios: number[]) => {
  const sorted = [...ratios].sort((a, b) => a - b)
  const quartile = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(3)
  return `${median(ratios).toFixed(3)} (median of ${rounds} paired rounds; quartiles ${quartile(0.25)}–${quartile(0.75)})`
}
for (const [name, ratios] of Object.entries(paired)) {
  console.log(`new/old ${name.padEnd(9)} ${spread(ratios)}`)
}
for (const [name, ratios] of Object.entries(toFloor)) console.log(`${name} ${spread(ratios)}`)
for (const [name, values] of Object.entries(network)) console.log(`${name} ${spread(values)}`)
console.log(
  `fastest rounds: old check() ${best.old.toFixed(0)} ns, new check() ${best.new.toFixed(0)} ns ` +
    `(new/old ${(best.new / best.old).toFixed(3)}); no rules ${best.plain.toFixed(0)} ns, ` +
    `10 IPv4 ranges ${best.ranges.toFixed(0)} ns (+${(best.ranges - best.plain).toFixed(0)} ns), ` +
    `10 IPv6 ranges ${best.ranges6.toFixed(0)} ns (+${(best.ranges6 - best.plain).toFixed(0)} ns)`,
)
