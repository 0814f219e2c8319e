import { hash } from 'node:crypto'
import { createKeyward, generateToken, type Keyward } from '@keyward/core'
import { type Comparison, compare, percentile, type Subject } from '../micro.js'
import { formatNs, type Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

const FLOOR = 'floor: node:crypto hash() + Map.get'

/**
 * The least any verifier must do per request: hash the presented token once and look the
 * digest up in memory. Cycles through `tokens` like the candidate it is compared with.
 */
export function floor(tokens: readonly string[], table: ReadonlyMap<string, unknown>): Subject {
  let i = 0
  return {
    name: FLOOR,
    run: () => table.get(hash('sha256', tokens[i++ % tokens.length]!, 'base64url')),
  }
}

const AWAITED_FLOOR = 'floor behind one await: Promise.resolve(hash() + Map.get)'

/**
 * The floor of a promise-returning API (`verify()`): the same work, its result behind the one
 * `await` every such call costs its caller, so `verify()` is judged on what it adds.
 */
export function awaitedFloor(
  tokens: readonly string[],
  table: ReadonlyMap<string, unknown>,
): Subject {
  let i = 0
  return {
    name: AWAITED_FLOOR,
    run: () =>
      Promise.resolve(table.get(hash('sha256', tokens[i++ % tokens.length]!, 'base64url'))),
  }
}

/** The quartiles of a comparison's per-round ratios, as `1.21–1.35×`. */
function quartiles(comparison: Comparison): string {
  const [low, high] = [25, 75].map((p) => percentile(comparison.ratios, p).toFixed(2))
  return `per-round quartiles ${low}–${high}×`
}

/** A keyward holding one key with `projects:read`, and that key's token. */
export async function keywardWithKey(
  options: Parameters<typeof createKeyward>[0] = {},
): Promise<{ keyward: Keyward; token: string }> {
  const keyward = createKeyward({ prefix: 'kw_live', ...options })
  const { token } = await keyward.keys.create({
    name: 'bench',
    ownerId: 'org_bench',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })
  return { keyward, token }
}

export function microRow(caseName: string, comparison: Comparison, note?: string): Row {
  return {
    case: caseName,
    baseline: comparison.baseline.name,
    ratio: comparison.ratio,
    format: 'times',
    measured: formatNs(comparison.candidate.nsPerOp),
    baselineMeasured: formatNs(comparison.baseline.nsPerOp),
    ...(note === undefined ? {} : { note }),
    raw: comparison,
  }
}

/** Case 1: `verify()` and `check()` on each path of the pipeline, against the floor. */
export async function verifyCase(settings: BenchSettings): Promise<CaseResult> {
  const { keyward, token } = await keywardWithKey()
  const { keyward: uncached, token: uncachedToken } = await keywardWithKey({ cache: { max: 0 } })
  const table = new Map<string, unknown>([[hash('sha256', token, 'base64url'), { id: 'key' }]])
  await keyward.verify(token)

  const last = token.at(-1) === 'A' ? 'B' : 'A'
  const malformed = token.slice(0, -1) + last
  const unknown = generateToken('kw_live')
  // More distinct unknown tokens than the negative cache holds (10 000), so each misses it.
  const distinctUnknown = Array.from({ length: 30_000 }, () => generateToken('kw_live'))
  let next = 0

  const cases: Array<[string, Subject, string[], string?]> = [
    ['verify() — cache hit', { name: 'verify', run: () => keyward.verify(token) }, [token]],
    [
      'check() — cache hit (sync hot path)',
      { name: 'check', run: () => keyward.check(token) },
      [token],
      'what the adapters call',
    ],
    [
      "verify(token, { scopes: ['projects:read'] }) — cache hit",
      { name: 'verify scoped', run: () => keyward.verify(token, { scopes: ['projects:read'] }) },
      [token],
    ],
    [
      'verify() — cache miss (store lookup, cache.max 0)',
      { name: 'verify miss', run: () => uncached.verify(uncachedToken) },
      [uncachedToken],
      'MemoryTokenStore.findByHash each call',
    ],
    [
      'verify() — malformed (bad checksum)',
      { name: 'verify malformed', run: () => keyward.verify(malformed), rejects: true },
      [malformed],
      'cost is mostly building the KeywardError',
    ],
    [
      'verify() — unknown, repeated (negative cache)',
      { name: 'verify unknown', run: () => keyward.verify(unknown), rejects: true },
      [unknown],
    ],
    [
      'verify() — unknown, 30 000 distinct (store lookup)',
      {
        name: 'verify unknown distinct',
        run: () => keyward.verify(distinctUnknown[next++ % distinctUnknown.length]!),
        rejects: true,
      },
      distinctUnknown,
      'well-formed tokens with valid checksums, none stored',
    ],
  ]

  const rows: Row[] = []
  let hit: Comparison | undefined
  let checkHit: Comparison | undefined
  for (const [name, subject, tokens, note] of cases) {
    // check() answers a hit synchronously; every verify() row pays one await, and so does its floor.
    const baseline = subject.name === 'check' ? floor(tokens, table) : awaitedFloor(tokens, table)
    const comparison = await compare(subject, baseline, settings.micro)
    if (subject.name === 'verify') hit = comparison
    if (subject.name === 'check') checkHit = comparison
    rows.push(microRow(name, comparison, note))
  }
  await keyward.close()
  await uncached.close()

  return {
    section: {
      id: 'verify',
      title: '1. verify() against the floor',
      description:
        'Time per call of `keyward.verify` (awaited) and `keyward.check` on each path of the pipeline, ' +
        'against the floor: one-shot `node:crypto` `hash("sha256", token, "base64url")` plus a `Map.get`, ' +
        'on the same tokens; for `verify()` rows that floor behind one `await` (`Promise.resolve`), ' +
        'as every promise-returning call pays it. Default options (MemoryTokenStore, caches of 10 000 entries) unless noted.',
      rows,
      notes: [],
    },
    targets: [
      {
        name: 'check() cache hit ÷ floor',
        measured: checkHit?.ratio ?? null,
        unit: 'times',
        goal: '≤ 1.30×',
        met: checkHit === undefined ? null : checkHit.ratio <= 1.3,
        note: checkHit === undefined ? '' : quartiles(checkHit),
      },
      {
        name: 'verify() cache hit ÷ floor behind one await',
        measured: hit?.ratio ?? null,
        unit: 'times',
        goal: '≤ 1.10×',
        met: hit === undefined ? null : hit.ratio <= 1.1,
        note: hit === undefined ? '' : quartiles(hit),
      },
    ],
  }
}
