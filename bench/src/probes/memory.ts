/**
 * Child process for case 6 (run with --expose-gc): builds one structure, reports the heap
 * it added. One structure per process, so nothing measured before skews what follows.
 * argv: <what> <count>; what = map | store | hash-set | positive-cache | negative-cache
 */
import { randomBytes } from 'node:crypto'
import {
  createKeyward,
  createTokenHasher,
  generateToken,
  type KeyRecord,
  MemoryTokenStore,
} from '@keyward/core'
import { childLifecycle, toParent } from '../child.js'

childLifecycle()

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

function heapUsed(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

const DAY = 86_400_000
const now = Date.now()

/** A record as `keys.create` writes it; `lastUsedAt` present so `touch` adds no property. */
function record(i: number, hash = randomBytes(32).toString('base64url')): KeyRecord {
  return {
    id: `key_${i.toString(36).padStart(16, '0')}`,
    hash,
    prefix: 'kw_live',
    hint: `kw_live_${hash.slice(0, 4)}…`,
    name: `Integration ${i}`,
    ownerId: `org_${Math.floor(i / 10)}`,
    scopes: ['projects:read', 'projects:write'],
    createdAt: now,
    expiresAt: now + 90 * DAY,
    lastUsedAt: 0,
  }
}

const [what, countArg] = process.argv.slice(2)
const count = Number(countArg)
// Reachable from a global: a local that is never read again may be collected before the measurement.
const kept: unknown[] = []
;(globalThis as { kept?: unknown[] }).kept = kept
let bytes: number
const started = performance.now()

if (what === 'map' || what === 'store' || what === 'hash-set') {
  const before = heapUsed()
  if (what === 'hash-set') {
    const set = new Set<string>()
    for (let i = 0; i < count; i++) set.add(randomBytes(32).toString('base64url'))
    kept.push(set)
  } else if (what === 'map') {
    const map = new Map<string, KeyRecord>()
    for (let i = 0; i < count; i++) {
      const r = record(i)
      map.set(r.hash, r)
    }
    kept.push(map)
  } else {
    const store = new MemoryTokenStore()
    for (let i = 0; i < count; i++) await store.insert(record(i))
    kept.push(store)
  }
  bytes = heapUsed() - before
} else {
  // Caches: the store and the tokens exist before the baseline, so only cache growth counts.
  const hasher = createTokenHasher()
  const store = new MemoryTokenStore()
  const tokens = Array.from({ length: count }, () => generateToken('kw_live'))
  const records = tokens.map((token, i) => record(i, hasher.hashSync!(token)))
  for (const r of records) await store.insert(structuredClone(r))
  const unknown = Array.from({ length: count }, () => generateToken('kw_live'))
  const keyward = createKeyward({ store, cache: { max: count, negativeMax: count } })
  kept.push(keyward, store, tokens, records, unknown)
  const before = heapUsed()
  if (what === 'positive-cache') {
    for (const token of tokens) await keyward.verify(token)
    await new Promise((resolve) => setTimeout(resolve, 10)) // let background touches land
  } else if (what === 'negative-cache') {
    for (const token of unknown) await keyward.verify(token).catch(() => undefined)
  } else {
    throw new Error(`unknown probe ${what}`)
  }
  bytes = heapUsed() - before
}

const result = { type: 'result', bytes, count, seconds: (performance.now() - started) / 1000 }
if (process.send) toParent(result)
else console.log(result)
