import { hash } from 'node:crypto'
import { createKeyward, generateToken, type Keyward } from '@keyward/core'
import { type Comparison, compare, type Subject } from '../micro.js'
import { formatNs, formatRatio, type Row } from '../report.js'
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
  let hitRatio: number | null = null
  let checkRatio: number | null = null
  for (const [name, subject, tokens, note] of cases) {
    const comparison = await compare(subject, floor(tokens, table), settings.micro)
    if (subject.name === 'verify') hitRatio = comparison.ratio
    if (subject.name === 'check') checkRatio = comparison.ratio
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
        'on the same tokens. Default options (MemoryTokenStore, caches of 10 000 entries) unless noted.',
      rows,
      notes: [],
    },
    targets: [
      {
        name: 'verify() cache hit ÷ floor',
        measured: hitRatio,
        unit: 'times',
        goal: '≤ 1.5×',
        met: hitRatio === null ? null : hitRatio <= 1.5,
        note: `check(), the adapters' path: ${formatRatio(checkRatio, 'times')}`,
      },
    ],
  }
}
