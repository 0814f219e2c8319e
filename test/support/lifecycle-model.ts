/**
 * A reference model of the key lifecycle and the fast-check commands that drive Keyward and
 * the model side by side (issue 9, "A dead key never acts again"; DESIGN.md "Lifecycle",
 * "Verification pipeline", "Guarantees of revocation").
 *
 * The model is plain data and owes nothing to Keyward's code: keys (owner, scopes,
 * createdAt, expiresAt, revoked, rotatedTo, suspended, network rules), access tokens
 * (parent, scopes, exp), revoke-all epochs and one fake clock, read by instance A as is and by instance B 3 s ahead. Values
 * Keyward chooses itself (ids, tokens, `createdAt` and revoke-all epochs from the shared
 * clock) are adopted from what it returns, after checking what can be checked of them, so
 * the model stays exact even where a millisecond decides.
 *
 * After every command, every credential the model knows is verified on both instances, each
 * time from a client address picked in turn from a fixed list (inside and outside each
 * network rule, IPv4, IPv6, IPv4-mapped IPv6, and none at all), and
 * must answer exactly what the model says (verifies or not, with which code, granting which
 * scopes). Management answers must carry a status and code the model allows; where the
 * rules leave the order of several failures open (a revoked caller sending a bad body, say)
 * any of the applicable failures is accepted, and none of them may change anything.
 */
import {
  type ApiKey,
  type AuditEvent,
  type AuditLog,
  createKeyward,
  defineScopes,
  isKeywardError,
  type KeyEvent,
  type Keyward,
  MemoryAuditLog,
  MemoryRevocationList,
  MemoryTokenStore,
  type RevocationList,
  type TokenStore,
  type VerifiedKey,
} from '@keyward/core'
import {
  createManagementApi,
  type ManagementApi,
  type ManagementResponse,
} from '@keyward/core/adapter'
import {
  type AccessTokens,
  createAccessTokens,
  type GeneratedSigningKey,
  generateSigningKey,
} from '@keyward/jwt'
import { RedisAuditLog, RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { createSutEdge, type SutEdge } from './lifecycle-edge.js'
import { connectRedis, deleteNamespace, testNamespace } from './redis-namespace.js'

// ---------------------------------------------------------------------------------------
// The world: catalog, owners, clocks and limits (Keyward's defaults).

export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'billing:read': 'Read invoices',
  'api_keys:manage': 'Manage API keys',
  'api_keys:rotate_self': 'Rotate this key itself',
})

/** Concrete catalog scopes: what requirements name, and what grants are expanded over. */
const SCOPES: readonly string[] = scopes.names
/** What a key may be granted: catalog scopes and wildcards covering some. */
const GRANTS: readonly string[] = [...SCOPES, 'projects:*', '*']
const MANAGE = 'api_keys:manage'
const ROTATE_SELF = 'api_keys:rotate_self'
const OWNERS = ['org_1', 'org_2'] as const
/** Instance B's clock runs this far ahead of A's. */
export const SKEW_MS = 3_000
const SECOND = 1_000
const DAY_S = 86_400
const MAX_LIFETIME_S = 365 * DAY_S
const MAX_GRACE_S = DAY_S
const MAX_TTL_S = 3_600
/** A fixed start for the memory runs, so a seed replays the same sub-second arithmetic. */
const MEMORY_T0 = Date.UTC(2026, 10, 26, 12, 0, 0, 250)

/** The network rules a key may carry (issue 22): none, or one of two sets. */
type Rules = 'anywhere' | 'office' | 'home'
const ALLOWED_IPS: Record<Exclude<Rules, 'anywhere'>, string[]> = {
  office: ['203.0.113.0/24', '2001:db8:1::/48'],
  home: ['198.51.100.7', '::ffff:192.0.2.0/120'],
}
/**
 * The client addresses verifications come from, and which rules each one is inside: written
 * out by hand, so the model owes nothing to Keyward's address parsing. `undefined` is a
 * request whose adapter could not tell the address: inside no rules.
 */
const ADDRESSES: readonly { ip: string | undefined; inside: readonly Rules[] }[] = [
  { ip: '203.0.113.7', inside: ['anywhere', 'office'] },
  { ip: '::ffff:203.0.113.200', inside: ['anywhere', 'office'] },
  { ip: '2001:db8:1::9', inside: ['anywhere', 'office'] },
  { ip: '198.51.100.7', inside: ['anywhere', 'home'] },
  { ip: '192.0.2.44', inside: ['anywhere', 'home'] },
  { ip: '::ffff:198.51.100.8', inside: ['anywhere'] },
  { ip: '2001:db8:2::1', inside: ['anywhere'] },
  { ip: '203.0.114.1', inside: ['anywhere'] },
  { ip: undefined, inside: ['anywhere'] },
]
type Address = (typeof ADDRESSES)[number]
const addressOf = (index: number): Address => ADDRESSES[index % ADDRESSES.length]!
const describeAddress = (address: Address) => address.ip ?? 'no address'

type Instance = 0 | 1
const NAMES = ['A', 'B'] as const

// ---------------------------------------------------------------------------------------
// The model.

export interface ModelKey {
  /** 1, 2, … in creation order: how traces name keys. */
  n: number
  id: string
  token: string
  ownerId: string
  scopes: string[]
  createdAt: number
  expiresAt: number
  revoked: boolean
  rotatedTo?: string
  /** Suspended by `keys.suspend`, until `keys.resume`. */
  suspended: boolean
  /** The key's `allowedIps`; its access tokens are held to them too. */
  rules: Rules
  /**
   * Set on the successor of a rotation until first use: the key that keeps working until this
   * one first verifies (on either instance), then is revoked everywhere.
   */
  pendingPredecessor?: ModelKey | undefined
}

export interface ModelToken {
  n: number
  token: string
  key: ModelKey
  scopes: string[]
  /** Epoch ms, whole seconds. */
  exp: number
}

type Credential =
  | { kind: 'api_key'; key: ModelKey; token: string; label: string }
  | { kind: 'access_token'; key: ModelKey; token: string; label: string; access: ModelToken }

export interface Model {
  t0: number
  /** Instance A's clock; B reads `t + SKEW_MS`. */
  t: number
  keys: ModelKey[]
  tokens: ModelToken[]
  globalEpoch: number
  ownerEpochs: Map<string, number>
  /** A management request whose headers were authenticated and whose body has not arrived. */
  late: { instance: Instance; caller: Credential; action: LateAction; address: Address } | undefined
  /** Counts commands: the sweep after each one takes its client addresses from here on. */
  round: number
}

function initialModel(t0: number): Model {
  return {
    t0,
    t: t0,
    keys: [],
    tokens: [],
    globalEpoch: Number.NEGATIVE_INFINITY,
    ownerEpochs: new Map(),
    late: undefined,
    round: 0,
  }
}

const clockOf = (m: Model, instance: Instance) => m.t + instance * SKEW_MS

interface Requirement {
  all: string[]
  any: string[]
}
const NO_REQUIREMENT: Requirement = { all: [], any: [] }

/** Whether a grant covers a scope or a narrower grant (`projects:*` covers `projects:read`). */
const covers = (grant: string, scope: string) =>
  grant === '*' || grant === scope || (grant.endsWith(':*') && scope.startsWith(grant.slice(0, -1)))
const holds = (grants: readonly string[], scope: string) => grants.some((g) => covers(g, scope))
const expand = (grants: readonly string[]) => SCOPES.filter((scope) => holds(grants, scope))
/** The grants both sets allow: their intersection, kept as grants so wildcards survive. */
const meet = (a: readonly string[], b: readonly string[]) => [
  ...new Set(a.flatMap((x) => b.flatMap((y) => (covers(y, x) ? [x] : covers(x, y) ? [y] : [])))),
]
const satisfies = (grants: readonly string[], req: Requirement) =>
  req.all.every((scope) => holds(grants, scope)) &&
  (req.any.length === 0 || req.any.some((scope) => holds(grants, scope)))
const narrow = (grants: readonly string[], mask: number) =>
  grants.filter((_, i) => (mask & (1 << i)) !== 0)

const epochCovers = (m: Model, key: ModelKey) =>
  key.createdAt <= m.globalEpoch ||
  key.createdAt <= (m.ownerEpochs.get(key.ownerId) ?? Number.NEGATIVE_INFINITY)
const isRevoked = (m: Model, key: ModelKey) => key.revoked || epochCovers(m, key)
/** `key_inactive` when update or rotate must refuse the key at `t`. */
const inactive = (m: Model, key: ModelKey, t: number) =>
  isRevoked(m, key) || key.rotatedTo !== undefined || t >= key.expiresAt
const validLifetime = (seconds: number) => seconds > 0 && seconds <= MAX_LIFETIME_S

/** What the credential grants now: a key its scopes; an access token what it and its parent both allow. */
const grantsOf = (cred: Credential) =>
  cred.kind === 'api_key' ? cred.key.scopes : meet(cred.access.scopes, cred.key.scopes)

type Expected = { ok: true; grants: string[]; expiresAt: number } | { ok: false; codes: string[] }

/** What verifying `cred` on `instance` from `address` with `req` must answer. */
function expectCredential(
  m: Model,
  cred: Credential,
  instance: Instance,
  req: Requirement,
  address: Address,
): Expected {
  const t = clockOf(m, instance)
  const codes = new Set<string>()
  if (isRevoked(m, cred.key)) codes.add('revoked_token')
  // An access token is held to its parent's suspension and network rules.
  if (cred.key.suspended) codes.add('suspended_token')
  if (t >= cred.key.expiresAt) codes.add('expired_token')
  if (cred.kind === 'access_token' && t >= cred.access.exp) codes.add('expired_token')
  if (codes.size > 0) return { ok: false, codes: [...codes] }
  if (!address.inside.includes(cred.key.rules)) return { ok: false, codes: ['ip_not_allowed'] }
  const grants = grantsOf(cred)
  if (!satisfies(grants, req)) return { ok: false, codes: ['insufficient_scope'] }
  return { ok: true, grants, expiresAt: cred.key.expiresAt }
}

/** The whole-second `exp` of a token minted at `t` from `key` (ms), or why it cannot be minted. */
const accessTokenExp = (key: ModelKey, t: number, ttlSeconds: number) =>
  Math.min(Math.floor((t + ttlSeconds * SECOND) / SECOND), Math.floor(key.expiresAt / SECOND)) *
  SECOND

// ---------------------------------------------------------------------------------------
// The systems under test.

export interface ModelStats {
  sequences: number
  commands: number
  verifications: number
  /** Race commands whose verification really was held at a store read across the change. */
  races: number
  /** First verifications of a rotation's pending successor that revoked its predecessor. */
  handovers: number
  /** Keys that rotated themselves (`POST /self/rotate` answered 201). */
  selfRotations: number
}

export function createModelStats(): ModelStats {
  return { sequences: 0, commands: 0, verifications: 0, races: 0, handovers: 0, selfRotations: 0 }
}

interface SutInstance {
  name: 'A' | 'B'
  keyward: Keyward<string>
  api: ManagementApi
  accessTokens: AccessTokens
  revocations: RevocationList
  gate: StoreGate
  /** The `reused` events this instance emitted since the last sweep checked them. */
  reused: Extract<KeyEvent, { type: 'reused' }>[]
}

export interface Sut {
  clock: { t: number }
  instances: readonly [SutInstance, SutInstance]
  /** Resolves once the other instance has seen every change `writer` made so far. */
  settle(writer: Instance): Promise<void>
  close(): Promise<void>
  stats: ModelStats
  /** What happened so far in this sequence, resolved (ids, times, answers). */
  trace: string[]
  /** The caller of the pending late-body request, as its headers verified. */
  lateHeaders: VerifiedKey | undefined
  /** Every lifecycle event either instance emitted (`onEvent`), in order. */
  events: KeyEvent[]
  /**
   * An edge instance on the polling list, reading A through its edge routes (memory backend,
   * with `LifecycleCheckOptions.edge`): every API key must verify there as on A.
   */
  edge?: SutEdge
}

interface Deferred {
  promise: Promise<void>
  resolve: () => void
}

function deferred(): Deferred {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/**
 * Holds an instance's store reads (`findByHash`, `get`) that start while armed until
 * released, after they have read: a verification that read a key before a change then
 * finishes after the change and its eviction, which is how a stale record could be cached.
 */
class StoreGate {
  #armed = false
  #readDone = deferred()
  #release = deferred()

  wrap(store: TokenStore): TokenStore {
    return new Proxy(store, {
      get: (target, property) => {
        const value = Reflect.get(target, property) as unknown
        if (typeof value !== 'function') return value
        const method = value as (...args: unknown[]) => Promise<unknown>
        if (property === 'findByHash' || property === 'get') {
          return (...args: unknown[]) => this.#pass(() => method.apply(target, args))
        }
        return method.bind(target)
      },
    })
  }

  /** Holds the reads that start from now on; resolves once one of them has read. */
  arm(): Promise<void> {
    this.#armed = true
    this.#readDone = deferred()
    this.#release = deferred()
    return this.#readDone.promise
  }

  /** Reads that start from now on pass; those held stay held until {@link release}. */
  disarm(): void {
    this.#armed = false
  }

  release(): void {
    this.#armed = false
    this.#release.resolve()
  }

  async #pass<T>(read: () => Promise<T>): Promise<T> {
    if (!this.#armed) return read()
    const { promise: released } = this.#release
    const readDone = this.#readDone
    try {
      return await read()
    } finally {
      readDone.resolve()
      await released
    }
  }
}

function buildInstance(
  index: Instance,
  clock: { t: number },
  store: TokenStore,
  revocations: RevocationList,
  signingKey: GeneratedSigningKey,
  gate: StoreGate,
  audit: { log: AuditLog; events: KeyEvent[] },
): SutInstance {
  const now = () => clock.t + index * SKEW_MS
  const reused: SutInstance['reused'] = []
  const accessTokens = createAccessTokens({
    issuer: 'https://keyward.test',
    audience: 'https://api.keyward.test',
    signingKeys: [signingKey],
    now,
    clockTolerance: '5s',
  })
  const keyward = createKeyward<string>({
    prefix: 'kw_test',
    scopes,
    store: gate.wrap(store),
    revocations,
    now,
    tokenKinds: [accessTokens],
    // Imported keys of the older format (issue 25) verify through this pattern.
    legacyTokens: LEGACY_TOKENS,
    // Both instances share one audit log; `events` is what they emitted, to compare it with.
    audit: { log: audit.log },
    onEvent: (event) => {
      audit.events.push(event)
      if (event.type === 'reused') reused.push(event)
    },
    // Background `lastUsedAt` writes may outlive a sequence; they are not what is tested.
    onError: () => {},
  })
  return {
    name: NAMES[index],
    keyward,
    api: createManagementApi(keyward, { accessTokens }),
    accessTokens,
    revocations,
    gate,
    reused,
  }
}

/** Two instances sharing one `MemoryTokenStore` and one `MemoryRevocationList` (on A's clock). */
export function createMemorySut(stats: ModelStats, signingKey: GeneratedSigningKey): Sut {
  const clock = { t: MEMORY_T0 }
  const store = new MemoryTokenStore()
  const revocations = new MemoryRevocationList({ now: () => clock.t })
  // The model's clock leaps days: a retention longer than any sequence keeps every event.
  const audit = {
    log: new MemoryAuditLog({ now: () => clock.t, retention: '3650d' }),
    events: [] as KeyEvent[],
  }
  const instances = [0, 1].map((i) =>
    buildInstance(i as Instance, clock, store, revocations, signingKey, new StoreGate(), audit),
  ) as [SutInstance, SutInstance]
  return {
    clock,
    instances,
    // One in-process list tells both instances synchronously.
    settle: async () => {},
    async close() {
      await Promise.all(instances.map((instance) => instance.keyward.close()))
    },
    stats,
    trace: [],
    lateHeaders: undefined,
    events: audit.events,
  }
}

/**
 * Two instances on Redis, each with its own client, `RedisTokenStore` and
 * `RedisRevocationList`, in a namespace of their own; B's clock 3 s ahead.
 */
export async function createRedisSut(
  stats: ModelStats,
  signingKey: GeneratedSigningKey,
  clients: readonly [Redis, Redis],
): Promise<Sut> {
  const clock = { t: Date.now() }
  const namespace = testNamespace('model')
  const events: KeyEvent[] = []
  const instances = clients.map((client, i) => {
    const now = () => clock.t + i * SKEW_MS
    const store = new RedisTokenStore(client, { namespace, now })
    // The list reads the instance's clock, as Keyward passes it readings of it. That clock
    // leaps days while the heartbeat confirms contact every few real seconds, so staleness
    // (tested elsewhere, with real outages) is not judged here: `onStale: 'allow'`. Its
    // shared clock, `time()`, is Redis TIME either way.
    const revocations = new RedisRevocationList(client, {
      namespace,
      now,
      onStale: 'allow',
      onError: () => {},
    })
    const log = new RedisAuditLog(client, { namespace, now, retention: '3650d' })
    return buildInstance(i as Instance, clock, store, revocations, signingKey, new StoreGate(), {
      log,
      events,
    })
  }) as [SutInstance, SutInstance]
  await Promise.all(instances.map((instance) => instance.keyward.ready()))
  let barriers = 0
  return {
    clock,
    instances,
    // Messages on one channel arrive in order: once the other instance sees this barrier,
    // it has seen every change the writer published before it.
    async settle(writer) {
      const id = `barrier_${++barriers}`
      const other = instances[1 - writer]!
      let unsubscribe = () => {}
      let timer: ReturnType<typeof setTimeout> | undefined
      const seen = new Promise<void>((resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`instance ${other.name} did not see ${id} within 5 s`)),
          5_000,
        )
        unsubscribe = other.revocations.subscribe((event) => {
          if (event.type === 'updated' && event.id === id) resolve()
        })
      })
      try {
        await instances[writer].revocations.publishUpdate!(id)
        await seen
      } finally {
        clearTimeout(timer)
        unsubscribe()
      }
    },
    async close() {
      await Promise.all(instances.map((instance) => instance.keyward.close()))
      await deleteNamespace(clients[0], namespace)
    },
    stats,
    trace: [],
    lateHeaders: undefined,
    events,
  }
}

/**
 * The audit invariant, at the end of a sequence: once both instances flushed, the shared log
 * holds each event they emitted exactly once (type, time, key, actor), and nothing else.
 */
export async function checkAuditLog(sut: Sut): Promise<void> {
  await Promise.all(sut.instances.map((instance) => instance.keyward.audit.flush()))
  const signature = (type: string, at: number, keyId?: string, actor?: string) =>
    `${type} ${at} ${keyId ?? '-'} ${actor ?? '-'}`
  const expected: string[] = []
  const owners = new Set<string>()
  for (const event of sut.events) {
    const fields = event as unknown as Record<string, unknown>
    const key = fields.key as ApiKey | undefined
    owners.add((fields.ownerId as string | undefined) ?? key?.ownerId ?? '*')
    const keyId =
      event.type === 'rotated' ? event.previousId : ((fields.keyId as string) ?? key?.id)
    expected.push(signature(event.type, event.at, keyId, fields.actor as string | undefined))
  }
  const listed: AuditEvent[] = []
  for (const ownerId of owners) {
    let cursor: string | undefined
    for (let pages = 0; pages < 1_000; pages++) {
      const page = await sut.instances[0].keyward.audit.list({
        ownerId,
        limit: 100,
        ...(cursor === undefined ? {} : { cursor }),
      })
      listed.push(...page.events)
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
  }
  const found = listed.map((event) => signature(event.type, event.at, event.keyId, event.actor))
  if (found.sort().join('\n') !== expected.sort().join('\n')) {
    throw new Error(
      `audit log: expected\n  ${expected.join('\n  ')}\nbut listed\n  ${found.join('\n  ')}`,
    )
  }
}

// ---------------------------------------------------------------------------------------
// Calling Keyward and comparing.

type Attempt<T> = { ok: true; value: T } | { ok: false; code: string }

async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() }
  } catch (error) {
    if (isKeywardError(error)) return { ok: false, code: error.code }
    return { ok: false, code: `threw ${error instanceof Error ? error.stack : String(error)}` }
  }
}

const list = (grants: readonly string[]) => `[${grants.join(' ')}]`

function relative(m: Model, ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  const seconds = (ms - m.t0) / SECOND
  return `${seconds >= 0 ? '+' : ''}${seconds.toFixed(3)}s`
}

function describeModel(m: Model): string {
  const lines = [`clock: A ${relative(m, m.t)}, B ${relative(m, m.t + SKEW_MS)} (from the start)`]
  if (m.globalEpoch > Number.NEGATIVE_INFINITY)
    lines.push(`global epoch ${relative(m, m.globalEpoch)}`)
  for (const [owner, epoch] of m.ownerEpochs) lines.push(`${owner} epoch ${relative(m, epoch)}`)
  for (const k of m.keys) {
    const rotated = k.rotatedTo && ` rotatedTo=#${m.keys.find((x) => x.id === k.rotatedTo)?.n}`
    lines.push(
      `key #${k.n} ${k.id} ${k.ownerId} ${list(k.scopes)} created ${relative(m, k.createdAt)}` +
        ` expires ${relative(m, k.expiresAt)}${k.revoked ? ' revoked' : ''}${rotated || ''}`,
    )
  }
  for (const a of m.tokens) {
    lines.push(`token #t${a.n} of key #${a.key.n} ${list(a.scopes)} exp ${relative(m, a.exp)}`)
  }
  return lines.join('\n    ')
}

/** Fails the sequence: what the model expected, what Keyward did, the state and the trace. */
function mismatch(m: Model, sut: Sut, what: string, expected: string, actual: string): never {
  throw new Error(
    [
      `Keyward disagrees with the model: ${what}`,
      `  model expected: ${expected}`,
      `  Keyward:        ${actual}`,
      `  model state:\n    ${describeModel(m)}`,
      '  trace (this sequence, latest last):',
      ...sut.trace.slice(-30).map((line) => `    ${line}`),
    ].join('\n'),
  )
}

function describeExpected(expected: Expected): string {
  return expected.ok
    ? `verifies, granting ${list(expand(expected.grants))}`
    : `refused: ${expected.codes.join(' or ')}`
}

function describeVerified(result: Attempt<VerifiedKey>): string {
  return result.ok
    ? `verified, granting ${list(expand(result.value.scopes))}` +
        ` (kind ${result.value.kind}, createdAt ${result.value.createdAt})`
    : `refused: ${result.code}`
}

/** Why `result` is not what `expected` says for `cred`, or `undefined` when it is. */
function verificationProblem(
  cred: Credential,
  expected: Expected,
  result: Attempt<VerifiedKey>,
): string | undefined {
  if (!expected.ok) {
    if (result.ok) return 'it verified'
    return expected.codes.includes(result.code) ? undefined : `wrong code ${result.code}`
  }
  if (!result.ok) return 'it was refused'
  const v = result.value
  const problems: string[] = []
  if (v.id !== cred.key.id) problems.push(`id ${v.id}, not ${cred.key.id}`)
  if (v.ownerId !== cred.key.ownerId) problems.push(`ownerId ${v.ownerId}`)
  if (v.kind !== cred.kind) problems.push(`kind ${v.kind}`)
  if (v.createdAt !== cred.key.createdAt)
    problems.push(`createdAt ${v.createdAt}, not the key's ${cred.key.createdAt}`)
  if (cred.kind === 'api_key' && v.expiresAt !== expected.expiresAt)
    problems.push(`expiresAt ${v.expiresAt}, not ${expected.expiresAt}`)
  const granted = expand(v.scopes)
  const model = expand(expected.grants)
  if (granted.join(' ') !== model.join(' '))
    problems.push(`grants ${list(granted)}, not ${list(model)}`)
  return problems.length > 0 ? problems.join('; ') : undefined
}

function checkVerification(
  m: Model,
  sut: Sut,
  what: string,
  cred: Credential,
  expected: Expected,
  result: Attempt<VerifiedKey>,
): void {
  const problem = verificationProblem(cred, expected, result)
  if (problem !== undefined) {
    mismatch(m, sut, `${what} (${problem})`, describeExpected(expected), describeVerified(result))
  }
}

async function verifyOn(
  m: Model,
  sut: Sut,
  instance: Instance,
  cred: Credential,
  req: Requirement,
  what: string,
  address: Address,
): Promise<Attempt<VerifiedKey>> {
  const expected = expectCredential(m, cred, instance, req, address)
  const options = {
    ...(req.all.length > 0 ? { scopes: req.all } : {}),
    ...(req.any.length > 0 ? { anyScopes: req.any } : {}),
    ...(address.ip === undefined ? {} : { clientIp: address.ip }),
  }
  sut.stats.verifications++
  const result = await attempt(() => sut.instances[instance].keyward.verify(cred.token, options))
  checkVerification(m, sut, `${what} from ${describeAddress(address)}`, cred, expected, result)
  await afterVerified(m, sut, instance, cred, result)
  return result
}

const keyCredential = (key: ModelKey): Credential => ({
  kind: 'api_key',
  key,
  token: key.token,
  label: `key #${key.n}`,
})

const tokenCredential = (access: ModelToken): Credential => ({
  kind: 'access_token',
  key: access.key,
  token: access.token,
  label: `token #t${access.n} (of key #${access.key.n})`,
  access,
})

/** Every credential the model knows, live or dead: a dead one must stay dead. */
const credentials = (m: Model): Credential[] => [
  ...m.keys.map(keyCredential),
  ...m.tokens.map(tokenCredential),
]

/**
 * The list invariant: walked two at a time, each instance's `keys.listPage` with
 * `status: 'revoked'` holds exactly the keys of each owner the model counts as revoked (by
 * id, by rotation without grace, or by a revoke-all epoch), each once.
 */
async function sweepLists(m: Model, sut: Sut): Promise<void> {
  for (const ownerId of new Set(m.keys.map((key) => key.ownerId))) {
    const expected = m.keys
      .filter((key) => key.ownerId === ownerId && isRevoked(m, key))
      .map((key) => `#${key.n}`)
      .sort()
    const numbers = new Map(m.keys.map((key) => [key.id, `#${key.n}`]))
    for (const instance of [0, 1] as const) {
      const listed: string[] = []
      let cursor: string | undefined
      for (let pages = 0; pages < 100; pages++) {
        const page = await sut.instances[instance].keyward.keys.listPage(ownerId, {
          status: 'revoked',
          limit: 2,
          ...(cursor === undefined ? {} : { cursor }),
        })
        listed.push(...page.keys.map((key) => numbers.get(key.id) ?? key.id))
        if (page.nextCursor === null) break
        cursor = page.nextCursor
      }
      if (listed.sort().join(' ') !== expected.join(' ')) {
        mismatch(
          m,
          sut,
          `invariant: revoked keys of ${ownerId} listed on ${NAMES[instance]}`,
          expected.join(' ') || 'none',
          listed.join(' ') || 'none',
        )
      }
    }
  }
}

/**
 * Every `reused` event names a key the model knows was rotated, with its successor, and never
 * revokes the successor (`onReuse` is off): a live key or one never rotated is never reported.
 */
function checkReuseEvents(m: Model, sut: Sut): void {
  for (const instance of sut.instances) {
    for (const event of instance.reused.splice(0)) {
      const key = m.keys.find((k) => k.id === event.keyId)
      if (key?.rotatedTo !== event.successorId || event.successorRevoked) {
        mismatch(
          m,
          sut,
          `reused event on ${instance.name}`,
          `only keys rotated to their successor (${key ? `#${key.n} → ${key.rotatedTo}` : 'unknown key'})`,
          JSON.stringify(event),
        )
      }
    }
  }
}

/**
 * The edge instance's part of the invariant: after one poll, each API key verifies there as
 * the model says it does on A (whose clock the edge shares). Access tokens are not checked:
 * their parent is read by id, which the edge's store does not serve.
 */
async function sweepEdge(m: Model, sut: Sut, edge: SutEdge): Promise<void> {
  await edge.list.refresh()
  for (const [n, key] of m.keys.entries()) {
    const cred = keyCredential(key)
    const address = addressOf(m.round + 2 * n)
    const expected = expectCredential(m, cred, 0, NO_REQUIREMENT, address)
    sut.stats.verifications++
    const result = await attempt(() =>
      edge.keyward.verify(cred.token, address.ip === undefined ? {} : { clientIp: address.ip }),
    )
    checkVerification(
      m,
      sut,
      `invariant: ${cred.label} on the edge from ${describeAddress(address)}`,
      cred,
      expected,
      result,
    )
  }
}

/** The invariant after every command: each credential answers on each instance as the model says. */
async function sweep(m: Model, sut: Sut): Promise<void> {
  checkReuseEvents(m, sut)
  await sweepLists(m, sut)
  if (sut.edge) await sweepEdge(m, sut, sut.edge)
  for (const [n, cred] of credentials(m).entries()) {
    for (const instance of [0, 1] as const) {
      await verifyOn(
        m,
        sut,
        instance,
        cred,
        NO_REQUIREMENT,
        `invariant: ${cred.label} on ${NAMES[instance]}`,
        // Each credential, on each instance, from another address after every command.
        addressOf(m.round + 2 * n + instance),
      )
    }
  }
}

interface CredentialPick {
  kind: 'key' | 'token'
  index: number
}

function pickCredential(m: Model, pick: CredentialPick): Credential {
  if (pick.kind === 'token' && m.tokens.length > 0)
    return tokenCredential(m.tokens[pick.index % m.tokens.length]!)
  return keyCredential(m.keys[pick.index % m.keys.length]!)
}

const pickKey = (m: Model, index: number) => m.keys[index % m.keys.length]!

function adoptKey(
  m: Model,
  sut: Sut,
  what: string,
  issued: {
    token: string
    key: Pick<ApiKey, 'id' | 'ownerId' | 'scopes' | 'createdAt' | 'expiresAt'> & {
      rotatedFrom?: string | undefined
    }
  },
  expected: {
    ownerId: string
    scopes: readonly string[]
    expiresAt: number
    rotatedFrom?: string
    rules?: Rules
  },
): ModelKey {
  const { key } = issued
  const problems: string[] = []
  if (key.ownerId !== expected.ownerId) problems.push(`ownerId ${key.ownerId}`)
  if (expand(key.scopes).join(' ') !== expand(expected.scopes).join(' '))
    problems.push(`scopes ${list(key.scopes)}`)
  if (key.expiresAt !== expected.expiresAt) problems.push(`expiresAt ${relative(m, key.expiresAt)}`)
  if (key.rotatedFrom !== expected.rotatedFrom) problems.push(`rotatedFrom ${key.rotatedFrom}`)
  if (problems.length > 0) {
    mismatch(
      m,
      sut,
      what,
      `a key of ${expected.ownerId} with ${list(expected.scopes)}, expiring ${relative(m, expected.expiresAt)}`,
      problems.join('; '),
    )
  }
  const created: ModelKey = {
    n: m.keys.length + 1,
    id: key.id,
    token: issued.token,
    ownerId: key.ownerId,
    scopes: [...key.scopes],
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    revoked: false,
    suspended: false,
    rules: expected.rules ?? 'anywhere',
  }
  m.keys.push(created)
  return created
}

function expectRefusal<T>(
  m: Model,
  sut: Sut,
  what: string,
  codes: readonly string[],
  result: Attempt<T>,
): void {
  if (result.ok) mismatch(m, sut, what, `refused: ${codes.join(' or ')}`, 'it succeeded')
  if (!codes.includes(result.code))
    mismatch(m, sut, what, `refused: ${codes.join(' or ')}`, `refused: ${result.code}`)
}

function expectSuccess<T>(
  m: Model,
  sut: Sut,
  what: string,
  result: Attempt<T>,
): asserts result is { ok: true; value: T } {
  if (!result.ok) mismatch(m, sut, what, 'success', `refused: ${result.code}`)
}

const outcome = (result: Attempt<unknown>) => (result.ok ? 'ok' : result.code)

// ---------------------------------------------------------------------------------------
// Lifecycle operations through `keyward.keys`, shared by several commands.

interface UpdateChange {
  /** Keep the key's i-th grant when bit i is set: a narrowing, possibly to nothing. */
  scopesMask?: number | undefined
  expiresIn?: number | undefined
}

async function performUpdate(
  m: Model,
  sut: Sut,
  instance: Instance,
  key: ModelKey,
  change: UpdateChange,
): Promise<void> {
  const t = clockOf(m, instance)
  const input: { name?: string; scopes?: string[]; expiresIn?: number } = {}
  if (change.scopesMask !== undefined) input.scopes = narrow(key.scopes, change.scopesMask)
  if (change.expiresIn !== undefined) input.expiresIn = change.expiresIn
  if (input.scopes === undefined && input.expiresIn === undefined)
    input.name = `renamed at ${relative(m, t)}`
  const codes: string[] = []
  if (inactive(m, key, t)) codes.push('key_inactive')
  if (input.expiresIn !== undefined && !validLifetime(input.expiresIn))
    codes.push('invalid_argument')
  const result = await attempt(() => sut.instances[instance].keyward.keys.update(key.id, input))
  await sut.settle(instance)
  const what = `keys.update(key #${key.n}, ${JSON.stringify(input)}) on ${NAMES[instance]}`
  sut.trace.push(`${what} → ${outcome(result)}`)
  if (codes.length > 0) return expectRefusal(m, sut, what, codes, result)
  expectSuccess(m, sut, what, result)
  if (input.scopes !== undefined) key.scopes = input.scopes
  if (input.expiresIn !== undefined) key.expiresAt = t + input.expiresIn * SECOND
  const updated = result.value
  if (
    expand(updated.scopes).join(' ') !== expand(key.scopes).join(' ') ||
    updated.expiresAt !== key.expiresAt
  ) {
    mismatch(
      m,
      sut,
      what,
      `${list(key.scopes)} expiring ${relative(m, key.expiresAt)}`,
      `${list(updated.scopes)} expiring ${relative(m, updated.expiresAt)}`,
    )
  }
}

/** Applies a successful rotation to the model: the successor exists, the old key ends. */
function applyRotation(old: ModelKey, successor: ModelKey, t: number, grace: number) {
  old.rotatedTo = successor.id
  if (grace === 0) old.revoked = true
  else old.expiresAt = Math.min(t + grace * SECOND, old.expiresAt)
}

async function performRotate(
  m: Model,
  sut: Sut,
  instance: Instance,
  key: ModelKey,
  grace: number,
  firstUse = false,
): Promise<void> {
  const t = clockOf(m, instance)
  const codes: string[] = []
  if (inactive(m, key, t) || key.suspended) codes.push('key_inactive')
  if (grace > MAX_GRACE_S || (firstUse && grace === 0)) codes.push('invalid_argument')
  const input = firstUse
    ? { gracePeriod: grace, until: 'first-use' as const }
    : { gracePeriod: grace }
  const result = await attempt(() => sut.instances[instance].keyward.keys.rotate(key.id, input))
  await sut.settle(instance)
  const until = firstUse ? ' until first use' : ''
  const what = `keys.rotate(key #${key.n}, grace ${grace}s${until}) on ${NAMES[instance]}`
  sut.trace.push(`${what} → ${result.ok ? `key #${m.keys.length + 1}` : result.code}`)
  if (codes.length > 0) return expectRefusal(m, sut, what, codes, result)
  expectSuccess(m, sut, what, result)
  const successor = adoptKey(m, sut, what, result.value, {
    ownerId: key.ownerId,
    scopes: key.scopes,
    expiresAt: key.expiresAt,
    rotatedFrom: key.id,
    rules: key.rules,
  })
  applyRotation(key, successor, t, grace)
  if (!firstUse) return
  successor.pendingPredecessor = key
  if (result.value.key.pendingPredecessor !== key.id)
    mismatch(
      m,
      sut,
      what,
      `pendingPredecessor ${key.id}`,
      String(result.value.key.pendingPredecessor),
    )
}

/** How long a hand-over may take before the model fails: the revocation bound of the Redis tests. */
const HANDOVER_BOUND_MS = 3_000

/**
 * After `cred` verified on `instance`: the first verification of a rotation's pending successor
 * ends its predecessor everywhere (unless it ended already), within the bound. Waits until the
 * store no longer marks the successor and the other instance has heard every announcement.
 */
async function afterVerified(
  m: Model,
  sut: Sut,
  instance: Instance,
  cred: Credential,
  result: Attempt<VerifiedKey>,
): Promise<void> {
  const successor = cred.key
  const predecessor = successor.pendingPredecessor
  if (!result.ok || cred.kind !== 'api_key' || predecessor === undefined) return
  const { store } = sut.instances[instance].keyward
  const deadline = Date.now() + HANDOVER_BOUND_MS
  while ((await store.get(successor.id))?.pendingPredecessor !== undefined) {
    if (Date.now() > deadline) {
      mismatch(
        m,
        sut,
        `hand-over from key #${predecessor.n} to key #${successor.n} on ${NAMES[instance]}`,
        `done within ${HANDOVER_BOUND_MS} ms`,
        'the successor is still marked pending',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  await sut.settle(instance)
  successor.pendingPredecessor = undefined
  // Revoked even when its grace ran out by this instance's clock: the other's may lag.
  const ends = !predecessor.revoked
  if (ends) {
    predecessor.revoked = true
    predecessor.expiresAt = Math.min(clockOf(m, instance), predecessor.expiresAt)
    sut.stats.handovers++
  }
  sut.trace.push(
    `  first use of key #${successor.n} on ${NAMES[instance]}: key #${predecessor.n} ${ends ? 'revoked' : 'was revoked already'}`,
  )
}

/** `keys.suspend`: an active key is suspended (again: unchanged); one that ended is refused. */
async function performSuspend(
  m: Model,
  sut: Sut,
  instance: Instance,
  key: ModelKey,
): Promise<void> {
  const t = clockOf(m, instance)
  const result = await attempt(() =>
    sut.instances[instance].keyward.keys.suspend(key.id, { reason: `at ${relative(m, t)}` }),
  )
  await sut.settle(instance)
  const what = `keys.suspend(key #${key.n}) on ${NAMES[instance]}`
  sut.trace.push(`${what} → ${outcome(result)}`)
  if (inactive(m, key, t)) return expectRefusal(m, sut, what, ['key_inactive'], result)
  expectSuccess(m, sut, what, result)
  key.suspended = true
  if (result.value.suspendedAt === undefined) mismatch(m, sut, what, 'suspendedAt', 'none')
}

/** `keys.resume`: a suspended key works again; one that ended is refused (revocation wins). */
async function performResume(m: Model, sut: Sut, instance: Instance, key: ModelKey): Promise<void> {
  const t = clockOf(m, instance)
  const result = await attempt(() => sut.instances[instance].keyward.keys.resume(key.id))
  await sut.settle(instance)
  const what = `keys.resume(key #${key.n}) on ${NAMES[instance]}`
  sut.trace.push(`${what} → ${outcome(result)}`)
  if (inactive(m, key, t)) return expectRefusal(m, sut, what, ['key_inactive'], result)
  expectSuccess(m, sut, what, result)
  key.suspended = false
  if (result.value.suspendedAt !== undefined)
    mismatch(m, sut, what, 'no suspendedAt', String(result.value.suspendedAt))
}

/** `keys.update({ allowedIps })`: new network rules for an active or suspended key. */
async function performSetRules(
  m: Model,
  sut: Sut,
  instance: Instance,
  key: ModelKey,
  rules: Rules,
): Promise<void> {
  const t = clockOf(m, instance)
  const allowedIps = rules === 'anywhere' ? null : ALLOWED_IPS[rules]
  const result = await attempt(() =>
    sut.instances[instance].keyward.keys.update(key.id, { allowedIps }),
  )
  await sut.settle(instance)
  const what = `keys.update(key #${key.n}, { allowedIps: ${rules} }) on ${NAMES[instance]}`
  sut.trace.push(`${what} → ${outcome(result)}`)
  if (inactive(m, key, t)) return expectRefusal(m, sut, what, ['key_inactive'], result)
  expectSuccess(m, sut, what, result)
  key.rules = rules
}

async function performRevoke(m: Model, sut: Sut, instance: Instance, key: ModelKey): Promise<void> {
  const wasRevoked = isRevoked(m, key)
  const result = await attempt(() => sut.instances[instance].keyward.keys.revoke(key.id))
  await sut.settle(instance)
  const what = `keys.revoke(key #${key.n}) on ${NAMES[instance]}`
  sut.trace.push(`${what} → ${result.ok ? result.value : result.code}`)
  expectSuccess(m, sut, what, result)
  if (result.value !== !wasRevoked)
    mismatch(m, sut, what, String(!wasRevoked), String(result.value))
  key.revoked = true
}

/** A revoke-all epoch must cover every key that exists when it is taken, on any instance's clock. */
function applyEpoch(m: Model, sut: Sut, what: string, ownerId: string | undefined, epoch: number) {
  const escaped = m.keys.filter(
    (k) => (ownerId === undefined || k.ownerId === ownerId) && k.createdAt > epoch,
  )
  if (escaped.length > 0) {
    mismatch(
      m,
      sut,
      what,
      'an epoch at or after the creation of every existing key',
      `epoch ${relative(m, epoch)} misses ${escaped.map((k) => `key #${k.n} (created ${relative(m, k.createdAt)})`).join(', ')}`,
    )
  }
  if (ownerId === undefined) m.globalEpoch = Math.max(m.globalEpoch, epoch)
  else m.ownerEpochs.set(ownerId, Math.max(m.ownerEpochs.get(ownerId) ?? epoch, epoch))
}

// ---------------------------------------------------------------------------------------
// Management requests, authenticated at "headers" and acting when the body arrives.

type TargetPick = { self: true } | { self: false; index: number }

type PatchScopes = { mask: number } | { grants: string[] }

export type LateAction =
  | { kind: 'create'; grants: string[]; expiresIn: number }
  | {
      kind: 'patch'
      target: TargetPick
      scopes?: PatchScopes | undefined
      expiresIn?: number | undefined
    }
  | { kind: 'rotate'; target: TargetPick; grace: number }
  | { kind: 'self-rotate'; grace: number }
  | { kind: 'delete'; target: TargetPick }
  | { kind: 'revoke-all' }
  | { kind: 'token'; requested?: string[] | undefined; ttl?: number | undefined }

interface Reason {
  status: number
  codes: readonly string[]
}

function describeAction(action: LateAction): string {
  const target = (pick: TargetPick) => (pick.self ? 'itself' : `key[${pick.index}]`)
  switch (action.kind) {
    case 'create':
      return `POST / ${list(action.grants)} expiresIn ${action.expiresIn}s`
    case 'patch':
      return `PATCH ${target(action.target)} ${JSON.stringify({ scopes: action.scopes, expiresIn: action.expiresIn })}`
    case 'rotate':
      return `POST ${target(action.target)}/rotate grace ${action.grace}s`
    case 'self-rotate':
      return `POST /self/rotate grace ${action.grace}s`
    case 'delete':
      return `DELETE ${target(action.target)}`
    case 'revoke-all':
      return 'POST /revoke-all'
    case 'token':
      return `POST /token ${action.requested ? list(action.requested) : '(all scopes)'} ttl ${action.ttl ?? 'default'}`
  }
}

interface Problem {
  code?: string
}

/**
 * Sends a management request on `instance` for `caller`, whose headers verified as
 * `headers`, and checks the answer against the model at this moment.
 */
async function performManagement(
  m: Model,
  sut: Sut,
  instance: Instance,
  caller: Credential,
  headers: VerifiedKey,
  action: LateAction,
  address: Address,
): Promise<void> {
  const t = clockOf(m, instance)
  const reasons: Reason[] = []
  const optional: Reason[] = []
  const needsManage = action.kind !== 'token' && action.kind !== 'self-rotate'
  if (needsManage && !holds(headers.scopes, MANAGE))
    reasons.push({ status: 403, codes: ['insufficient_scope'] })
  // The caller acts as it is now, not as its headers verified.
  const now = expectCredential(
    m,
    caller,
    instance,
    needsManage ? { all: [MANAGE], any: [] } : NO_REQUIREMENT,
    address,
  )
  if (!now.ok) {
    reasons.push(
      now.codes.includes('insufficient_scope') || now.codes.includes('ip_not_allowed')
        ? { status: 403, codes: now.codes }
        : { status: 401, codes: now.codes },
    )
  }
  const callerGrants = grantsOf(caller)
  const owner = caller.key.ownerId
  const resolveTarget = (pick: TargetPick) =>
    pick.self ? caller.key : m.keys[pick.index % m.keys.length]!
  /** Reasons that depend on the target: found, alive, and no broader than the caller. */
  const targetReasons = (target: ModelKey, mustBeActive: boolean, notSuspended = false) => {
    if (target.ownerId !== owner) {
      reasons.push({ status: 404, codes: ['not_found'] })
      return false
    }
    if (mustBeActive) {
      if (isRevoked(m, target))
        reasons.push(
          { status: 409, codes: ['key_inactive'] },
          { status: 404, codes: ['not_found'] },
        )
      else if (inactive(m, target, t) || (notSuspended && target.suspended))
        reasons.push({ status: 409, codes: ['key_inactive'] })
      if (!target.scopes.every((g) => holds(callerGrants, g)))
        reasons.push({ status: 403, codes: ['insufficient_scope'] })
    }
    return true
  }

  let request: { method: string; path: string; body?: string }
  let success: number
  let apply: (body: unknown, what: string) => void
  switch (action.kind) {
    case 'create': {
      if (!action.grants.every((g) => holds(callerGrants, g)))
        reasons.push({ status: 403, codes: ['insufficient_scope'] })
      if (!validLifetime(action.expiresIn))
        reasons.push({ status: 422, codes: ['invalid_argument'] })
      request = {
        method: 'POST',
        path: '/',
        body: JSON.stringify({
          name: 'made by a key',
          scopes: action.grants,
          expiresIn: action.expiresIn,
        }),
      }
      success = 201
      apply = (body, what) => {
        const { key, token } = body as { key: ApiKeyJsonLike; token: string }
        adoptKey(
          m,
          sut,
          what,
          { token, key: fromJson(key) },
          {
            ownerId: owner,
            scopes: action.grants,
            expiresAt: t + action.expiresIn * SECOND,
          },
        )
      }
      break
    }
    case 'patch': {
      const target = resolveTarget(action.target)
      const next =
        action.scopes === undefined
          ? undefined
          : 'mask' in action.scopes
            ? narrow(target.scopes, action.scopes.mask)
            : action.scopes.grants
      const body: Record<string, unknown> = {}
      if (next !== undefined) body.scopes = next
      if (action.expiresIn !== undefined) body.expiresIn = action.expiresIn
      if (Object.keys(body).length === 0) body.name = `renamed at ${relative(m, t)}`
      if (action.expiresIn !== undefined && !validLifetime(action.expiresIn))
        reasons.push({ status: 422, codes: ['invalid_argument'] })
      if (next !== undefined && !next.every((g) => holds(callerGrants, g)))
        reasons.push({ status: 403, codes: ['insufficient_scope'] })
      if (targetReasons(target, true)) {
        if (target.id === caller.key.id && (next !== undefined || action.expiresIn !== undefined))
          reasons.push({ status: 403, codes: ['forbidden'] })
        if (next !== undefined && !next.every((g) => holds(target.scopes, g)))
          reasons.push({ status: 422, codes: ['invalid_argument'] })
      }
      request = { method: 'PATCH', path: `/${target.id}`, body: JSON.stringify(body) }
      success = 200
      apply = (json, what) => {
        if (next !== undefined) target.scopes = next
        if (action.expiresIn !== undefined) target.expiresAt = t + action.expiresIn * SECOND
        const key = fromJson(json as ApiKeyJsonLike)
        if (
          expand(key.scopes).join(' ') !== expand(target.scopes).join(' ') ||
          key.expiresAt !== target.expiresAt
        ) {
          mismatch(
            m,
            sut,
            what,
            `${list(target.scopes)} expiring ${relative(m, target.expiresAt)}`,
            `${list(key.scopes)} expiring ${relative(m, key.expiresAt)}`,
          )
        }
      }
      sut.trace.push(`  (target: key #${target.n})`)
      break
    }
    case 'rotate': {
      const target = resolveTarget(action.target)
      if (action.grace > MAX_GRACE_S) reasons.push({ status: 422, codes: ['invalid_argument'] })
      // Whether a key may rotate itself is not decided: either answer, applied as given.
      if (targetReasons(target, true, true) && target.id === caller.key.id)
        optional.push({ status: 403, codes: ['forbidden'] })
      request = {
        method: 'POST',
        path: `/${target.id}/rotate`,
        body: JSON.stringify({ gracePeriod: action.grace }),
      }
      success = 201
      apply = (body, what) => adoptRotation(m, sut, what, body, target, t, action.grace)
      sut.trace.push(`  (target: key #${target.n})`)
      break
    }
    case 'self-rotate': {
      // The caller is the target: it gets one successor, with its own scopes and expiry.
      const target = caller.key
      if (caller.kind !== 'api_key') reasons.push({ status: 400, codes: ['invalid_request'] })
      if (!holds(callerGrants, ROTATE_SELF))
        reasons.push({ status: 403, codes: ['insufficient_scope'] })
      if (action.grace > MAX_GRACE_S) reasons.push({ status: 422, codes: ['invalid_argument'] })
      if (inactive(m, target, t) || target.suspended)
        reasons.push({ status: 409, codes: ['key_inactive'] })
      request = {
        method: 'POST',
        path: '/self/rotate',
        body: JSON.stringify({ gracePeriod: action.grace }),
      }
      success = 201
      apply = (body, what) => {
        adoptRotation(m, sut, what, body, target, t, action.grace)
        sut.stats.selfRotations++
      }
      break
    }
    case 'delete': {
      const target = resolveTarget(action.target)
      // Revoking a revoked key again changes nothing, whether it answers 204 or 404.
      if (targetReasons(target, false) && isRevoked(m, target))
        optional.push({ status: 404, codes: ['not_found'] })
      request = { method: 'DELETE', path: `/${target.id}` }
      success = 204
      apply = () => {
        target.revoked = true
      }
      sut.trace.push(`  (target: key #${target.n})`)
      break
    }
    case 'revoke-all': {
      request = { method: 'POST', path: '/revoke-all' }
      success = 200
      apply = (body, what) => {
        const { revokedBefore } = body as { revokedBefore: string }
        applyEpoch(m, sut, what, owner, Date.parse(revokedBefore))
      }
      break
    }
    case 'token': {
      const ttl = action.ttl ?? MAX_TTL_S
      if (caller.kind !== 'api_key') reasons.push({ status: 400, codes: ['invalid_request'] })
      if (action.requested && !action.requested.every((g) => holds(callerGrants, g)))
        reasons.push({ status: 403, codes: ['insufficient_scope'] })
      if (ttl < 1 || ttl > MAX_TTL_S) reasons.push({ status: 422, codes: ['invalid_argument'] })
      const exp = accessTokenExp(caller.key, t, ttl)
      if (now.ok && exp <= t) reasons.push({ status: 401, codes: ['expired_token'] })
      const body: Record<string, unknown> = {}
      if (action.requested) body.scope = action.requested.join(' ')
      if (action.ttl !== undefined) body.expiresIn = action.ttl
      request = { method: 'POST', path: '/token', body: JSON.stringify(body) }
      success = 200
      apply = (json, what) => {
        const answer = json as { access_token: string; expires_in: number; scope: string }
        const granted = action.requested ?? caller.key.scopes
        const scope = answer.scope === '' ? [] : answer.scope.split(' ')
        const expiresIn = exp / SECOND - Math.floor(t / SECOND)
        if (
          expand(scope).join(' ') !== expand(granted).join(' ') ||
          answer.expires_in !== expiresIn
        ) {
          mismatch(
            m,
            sut,
            what,
            `scope ${list(granted)}, expires_in ${expiresIn}`,
            `scope ${list(scope)}, expires_in ${answer.expires_in}`,
          )
        }
        adoptToken(m, caller.key, answer.access_token, [...granted], exp)
      }
      break
    }
  }

  const result = await attempt(() =>
    sut.instances[instance].api.handle({
      ...request,
      apiKey: headers,
      ...(address.ip === undefined ? {} : { clientIp: address.ip }),
    }),
  )
  if (action.kind !== 'token') await sut.settle(instance)
  const what = `${describeAction(action)} by ${caller.label} on ${NAMES[instance]} from ${describeAddress(address)}`
  if (!result.ok) mismatch(m, sut, what, 'an answer', `handle rejected: ${result.code}`)
  const response: ManagementResponse = result.value
  const code = response.status >= 400 ? (response.body as Problem | undefined)?.code : undefined
  sut.trace.push(`${what} → ${response.status}${code ? ` ${code}` : ''}`)
  const allowed = [...reasons, ...optional]
  const describeReasons = (rs: readonly Reason[]) =>
    rs.map((r) => `${r.status} ${r.codes.join('|')}`).join(' or ')
  if (response.status === success) {
    if (reasons.length > 0)
      mismatch(m, sut, what, `refused: ${describeReasons(reasons)}`, `${response.status}`)
    apply(response.body, what)
    return
  }
  if (
    !allowed.some(
      (r) => r.status === response.status && code !== undefined && r.codes.includes(code),
    )
  ) {
    mismatch(
      m,
      sut,
      what,
      allowed.length === 0 ? `${success}` : `refused: ${describeReasons(allowed)}`,
      `${response.status} ${code ?? JSON.stringify(response.body)}`,
    )
  }
}

/** A rotation's 201 answer: its successor joins the model, and `target` ends as the grace says. */
function adoptRotation(
  m: Model,
  sut: Sut,
  what: string,
  body: unknown,
  target: ModelKey,
  t: number,
  grace: number,
): void {
  const { key, token } = body as { key: ApiKeyJsonLike; token: string }
  const successor = adoptKey(
    m,
    sut,
    what,
    { token, key: fromJson(key) },
    {
      ownerId: target.ownerId,
      scopes: target.scopes,
      expiresAt: target.expiresAt,
      rotatedFrom: target.id,
      rules: target.rules,
    },
  )
  applyRotation(target, successor, t, grace)
}

interface ApiKeyJsonLike {
  id: string
  ownerId: string
  scopes: string[]
  createdAt: string
  expiresAt: string
  rotatedFrom?: string
}

const fromJson = (key: ApiKeyJsonLike) => ({
  id: key.id,
  ownerId: key.ownerId,
  scopes: key.scopes,
  createdAt: Date.parse(key.createdAt),
  expiresAt: Date.parse(key.expiresAt),
  rotatedFrom: key.rotatedFrom,
})

function adoptToken(m: Model, key: ModelKey, token: string, granted: string[], exp: number) {
  m.tokens.push({ n: m.tokens.length + 1, token, key, scopes: granted, exp })
}

// ---------------------------------------------------------------------------------------
// Commands.

abstract class Step implements fc.AsyncCommand<Model, Sut> {
  abstract check(m: Readonly<Model>): boolean
  protected abstract act(m: Model, sut: Sut): Promise<void>
  abstract toString(): string

  async run(m: Model, sut: Sut): Promise<void> {
    sut.stats.commands++
    sut.trace.push(`[${relative(m, m.t)}] ${this.toString()}`)
    await this.act(m, sut)
    m.round++
    await sweep(m, sut)
  }
}

const hasKeys = (m: Readonly<Model>) => m.keys.length > 0

class CreateKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly ownerId: string,
    readonly grants: string[],
    readonly expiresIn: number,
    readonly rules: Rules,
  ) {
    super()
  }
  check = () => true
  toString = () =>
    `create on ${NAMES[this.instance]}: ${this.ownerId} ${list(this.grants)} expiresIn ${this.expiresIn}s, allowed ${this.rules}`

  protected async act(m: Model, sut: Sut) {
    const t = clockOf(m, this.instance)
    const result = await attempt(() =>
      sut.instances[this.instance].keyward.keys.create({
        name: 'made by a person',
        ownerId: this.ownerId,
        scopes: this.grants,
        expiresIn: this.expiresIn,
        ...(this.rules === 'anywhere' ? {} : { allowedIps: ALLOWED_IPS[this.rules] }),
      }),
    )
    await sut.settle(this.instance)
    const what = this.toString()
    sut.trace.push(
      `  → ${result.ok ? `key #${m.keys.length + 1} ${result.value.key.id}` : result.code}`,
    )
    if (!validLifetime(this.expiresIn))
      return expectRefusal(m, sut, what, ['invalid_argument'], result)
    expectSuccess(m, sut, what, result)
    adoptKey(m, sut, what, result.value, {
      ownerId: this.ownerId,
      scopes: this.grants,
      expiresAt: t + this.expiresIn * SECOND,
      rules: this.rules,
    })
  }
}

/** The older token format of imported keys (issue 25). */
const LEGACY_TOKENS = /^sk_[0-9a-f]{40}$/

/** A token of the older format: 40 random hex digits after `sk_`. */
function legacyToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  return `sk_${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

/** SHA-256 of `token` as hex, as another system's export holds it. */
async function sha256Hex(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Imports a key issued elsewhere (issue 25): a fresh legacy token, given as plaintext or as its
 * SHA-256, or (`again`) one imported before, which must be a duplicate that changes nothing.
 * An imported key then lives as any key: it verifies, rotates to a Keyward token, is revoked.
 */
class ImportKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly ownerId: string,
    readonly grants: string[],
    readonly expiresIn: number,
    readonly as: 'token' | 'hash',
    readonly again: number | undefined,
  ) {
    super()
  }
  check = () => true
  toString = () =>
    this.again === undefined
      ? `import on ${NAMES[this.instance]}: ${this.ownerId} ${list(this.grants)} expiresIn ${this.expiresIn}s by ${this.as}`
      : `import again on ${NAMES[this.instance]}: an imported key's token (pick ${this.again}), expiresIn ${this.expiresIn}s`

  protected async act(m: Model, sut: Sut) {
    const t = clockOf(m, this.instance)
    const imported = m.keys.filter((key) => key.token.startsWith('sk_'))
    const previous =
      this.again === undefined || imported.length === 0
        ? undefined
        : imported[this.again % imported.length]
    const { keyward } = sut.instances[this.instance]
    // A store may drop a record long past its end: then there is nothing left to be a duplicate of.
    if (previous && !(await keyward.keys.get(previous.id, { includeRevoked: true }))) return
    const token = previous?.token ?? legacyToken()
    const secret = this.as === 'token' ? { token } : { hash: await sha256Hex(token) }
    const result = await attempt(() =>
      keyward.keys.import([
        {
          name: 'imported',
          ownerId: this.ownerId,
          scopes: this.grants,
          expiresIn: this.expiresIn,
          ...secret,
        },
      ]),
    )
    await sut.settle(this.instance)
    const what = this.toString()
    expectSuccess(m, sut, what, result)
    if (!result.ok) return
    const [outcome] = result.value.results
    sut.trace.push(`  → ${outcome?.status} ${outcome?.id ?? outcome?.field ?? ''}`)
    // A record is checked before it is looked up: an invalid one is invalid, even if known.
    const expected = !validLifetime(this.expiresIn)
      ? 'invalid'
      : previous
        ? 'duplicate'
        : 'imported'
    if (outcome?.status !== expected) {
      mismatch(m, sut, what, expected, `${outcome?.status} ${outcome?.field ?? ''}`)
    }
    if (expected !== 'imported' || outcome?.id === undefined) return
    // A key imported at a revoke-all's millisecond is born revoked, as a created one is.
    const key = await keyward.keys.get(outcome.id, { includeRevoked: true })
    if (!key) return mismatch(m, sut, what, `key ${outcome.id} stored`, 'no such key')
    adoptKey(
      m,
      sut,
      what,
      { token, key },
      { ownerId: this.ownerId, scopes: this.grants, expiresAt: t + this.expiresIn * SECOND },
    )
  }
}

class UpdateKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
    readonly change: UpdateChange,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `update key[${this.index}] on ${NAMES[this.instance]}: ${JSON.stringify(this.change)}`
  protected act(m: Model, sut: Sut) {
    return performUpdate(m, sut, this.instance, pickKey(m, this.index), this.change)
  }
}

class RotateKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
    readonly grace: number,
    readonly firstUse: boolean,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `rotate key[${this.index}] on ${NAMES[this.instance]}, grace ${this.grace}s${this.firstUse ? ' until first use' : ''}`
  protected act(m: Model, sut: Sut) {
    const key = pickKey(m, this.index)
    return performRotate(m, sut, this.instance, key, this.grace, this.firstUse)
  }
}

class RevokeKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () => `revoke key[${this.index}] on ${NAMES[this.instance]}`
  protected act(m: Model, sut: Sut) {
    return performRevoke(m, sut, this.instance, pickKey(m, this.index))
  }
}

class RevokeAll extends Step {
  constructor(
    readonly instance: Instance,
    readonly ownerId: string | undefined,
  ) {
    super()
  }
  check = () => true
  toString = () => `revokeAll(${this.ownerId ?? 'everyone'}) on ${NAMES[this.instance]}`
  protected async act(m: Model, sut: Sut) {
    const keys = sut.instances[this.instance].keyward.keys
    const result = await attempt(() =>
      this.ownerId === undefined ? keys.revokeAll() : keys.revokeAll({ ownerId: this.ownerId }),
    )
    await sut.settle(this.instance)
    const what = this.toString()
    expectSuccess(m, sut, what, result)
    sut.trace.push(`  → epoch ${relative(m, result.value.revokedBefore)}`)
    applyEpoch(m, sut, what, this.ownerId, result.value.revokedBefore)
  }
}

class Verify extends Step {
  constructor(
    readonly instance: Instance,
    readonly pick: CredentialPick,
    readonly requirement: Requirement,
    readonly address: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `verify ${this.pick.kind}[${this.pick.index}] on ${NAMES[this.instance]} requiring ${JSON.stringify(this.requirement)} from ${describeAddress(addressOf(this.address))}`
  protected async act(m: Model, sut: Sut) {
    const cred = pickCredential(m, this.pick)
    const result = await verifyOn(
      m,
      sut,
      this.instance,
      cred,
      this.requirement,
      `verify ${cred.label}`,
      addressOf(this.address),
    )
    sut.trace.push(`  ${cred.label} → ${result.ok ? 'verified' : result.code}`)
  }
}

/** Mints an access token from a key: through the issuer, or `POST /token` right after the headers. */
class Mint extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
    readonly via: 'issuer' | 'management',
    readonly requested: string[] | undefined,
    readonly ttl: number | undefined,
    readonly address: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `mint from key[${this.index}] on ${NAMES[this.instance]} via ${this.via}: ` +
    `${this.requested ? list(this.requested) : '(all scopes)'} ttl ${this.ttl ?? 'default'}` +
    ` from ${describeAddress(addressOf(this.address))}`

  protected async act(m: Model, sut: Sut) {
    const key = pickKey(m, this.index)
    const cred = keyCredential(key)
    const headers = await verifyOn(
      m,
      sut,
      this.instance,
      cred,
      NO_REQUIREMENT,
      `verify ${cred.label} to mint`,
      addressOf(this.address),
    )
    sut.trace.push(`  ${cred.label} → ${headers.ok ? 'verified' : headers.code}`)
    if (!headers.ok) return
    const action = { kind: 'token', requested: this.requested, ttl: this.ttl } as const
    if (this.via === 'management') {
      return performManagement(
        m,
        sut,
        this.instance,
        cred,
        headers.value,
        action,
        addressOf(this.address),
      )
    }
    const t = clockOf(m, this.instance)
    const ttl = this.ttl ?? MAX_TTL_S
    const codes: string[] = []
    if (this.requested && !this.requested.every((g) => holds(key.scopes, g)))
      codes.push('insufficient_scope')
    if (ttl < 1 || ttl > MAX_TTL_S) codes.push('invalid_argument')
    const exp = accessTokenExp(key, t, ttl)
    if (exp <= t) codes.push('expired_token')
    const result = await attempt(() =>
      sut.instances[this.instance].accessTokens.issueAccessToken(headers.value, {
        ...(this.requested ? { scopes: this.requested } : {}),
        ...(this.ttl === undefined ? {} : { ttl: this.ttl }),
      }),
    )
    const what = `issueAccessToken from ${cred.label} on ${NAMES[this.instance]}`
    sut.trace.push(`  ${what} → ${result.ok ? `token #t${m.tokens.length + 1}` : result.code}`)
    if (codes.length > 0) return expectRefusal(m, sut, what, codes, result)
    expectSuccess(m, sut, what, result)
    const granted = this.requested ?? key.scopes
    const expiresIn = exp / SECOND - Math.floor(t / SECOND)
    if (
      expand(result.value.scopes).join(' ') !== expand(granted).join(' ') ||
      result.value.expiresIn !== expiresIn
    ) {
      mismatch(
        m,
        sut,
        what,
        `scopes ${list(granted)}, expiresIn ${expiresIn}`,
        `scopes ${list(result.value.scopes)}, expiresIn ${result.value.expiresIn}`,
      )
    }
    adoptToken(m, key, result.value.accessToken, [...granted], exp)
  }
}

class Advance extends Step {
  constructor(readonly ms: number) {
    super()
  }
  check = () => true
  toString = () => `advance the clock ${this.ms} ms`
  protected async act(m: Model, sut: Sut) {
    m.t += this.ms
    sut.clock.t = m.t
  }
}

/** Moves the clock to a deadline (a key's expiry, a grace end, a token's exp) as one instance reads it. */
class AdvanceTo extends Step {
  constructor(
    readonly index: number,
    readonly instance: Instance,
    readonly offset: -1 | 0 | 1,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `advance to deadline[${this.index}] ${this.offset >= 0 ? '+' : ''}${this.offset} ms on ${NAMES[this.instance]}'s clock`
  protected async act(m: Model, sut: Sut) {
    const deadlines = [...m.keys.map((k) => k.expiresAt), ...m.tokens.map((a) => a.exp)]
    const target = deadlines[this.index % deadlines.length]! - this.instance * SKEW_MS + this.offset
    if (target > m.t) {
      m.t = target
      sut.clock.t = target
    }
    sut.trace.push(`  clock A now ${relative(m, m.t)}`)
  }
}

/** The headers of a management request arrive: the caller is verified, the body comes later. */
class LateBegin extends Step {
  constructor(
    readonly instance: Instance,
    readonly pick: CredentialPick,
    readonly action: LateAction,
    readonly address: number,
  ) {
    super()
  }
  check = (m: Readonly<Model>) => hasKeys(m) && m.late === undefined
  toString = () =>
    `headers of ${describeAction(this.action)} from ${this.pick.kind}[${this.pick.index}] on ${NAMES[this.instance]} from ${describeAddress(addressOf(this.address))}`
  protected async act(m: Model, sut: Sut) {
    const caller = pickCredential(m, this.pick)
    const address = addressOf(this.address)
    const headers = await verifyOn(
      m,
      sut,
      this.instance,
      caller,
      NO_REQUIREMENT,
      `headers: verify ${caller.label}`,
      address,
    )
    sut.trace.push(`  ${caller.label} → ${headers.ok ? 'verified; body pending' : headers.code}`)
    if (!headers.ok) return
    m.late = { instance: this.instance, caller, action: this.action, address }
    sut.lateHeaders = headers.value
  }
}

/**
 * A credential rotates its own key at once (`POST /self/rotate`): only an API key holding
 * `api_keys:rotate_self` gets a successor, once, with its own scopes and expiry.
 */
class SelfRotate extends Step {
  constructor(
    readonly instance: Instance,
    readonly pick: CredentialPick,
    readonly grace: number,
    readonly address: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `self-rotate ${this.pick.kind}[${this.pick.index}] on ${NAMES[this.instance]}, grace ${this.grace}s` +
    ` from ${describeAddress(addressOf(this.address))}`
  protected async act(m: Model, sut: Sut) {
    const caller = pickCredential(m, this.pick)
    const address = addressOf(this.address)
    const headers = await verifyOn(
      m,
      sut,
      this.instance,
      caller,
      NO_REQUIREMENT,
      `verify ${caller.label} to rotate itself`,
      address,
    )
    sut.trace.push(`  ${caller.label} → ${headers.ok ? 'verified' : headers.code}`)
    if (!headers.ok) return
    const action = { kind: 'self-rotate', grace: this.grace } as const
    await performManagement(m, sut, this.instance, caller, headers.value, action, address)
  }
}

/** The body of the pending management request arrives, and the request acts (or not). */
class LateFinish extends Step {
  check = (m: Readonly<Model>) => m.late !== undefined
  toString = () => 'the pending body arrives'
  protected async act(m: Model, sut: Sut) {
    const late = m.late!
    m.late = undefined
    await performManagement(
      m,
      sut,
      late.instance,
      late.caller,
      sut.lateHeaders!,
      late.action,
      late.address,
    )
  }
}

type RaceMutation =
  | { kind: 'narrow'; mask: number }
  | { kind: 'expiry'; expiresIn: number }
  | { kind: 'revoke' }
  | { kind: 'rotate'; grace: number }
  | { kind: 'suspend' }
  | { kind: 'resume' }
  | { kind: 'rules'; rules: Rules }

/**
 * A verification whose store read happens before a change and whose result arrives after
 * the change's eviction: its answer may be either side of the change, but what it read
 * must not be cached (the sweep right after verifies again on the same instance).
 */
class RaceVerify extends Step {
  constructor(
    readonly instance: Instance,
    readonly pick: CredentialPick,
    readonly mutation: RaceMutation,
    readonly mutationInstance: Instance,
    readonly address: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () =>
    `race: verify ${this.pick.kind}[${this.pick.index}] on ${NAMES[this.instance]} across ` +
    `${JSON.stringify(this.mutation)} on ${NAMES[this.mutationInstance]} from ${describeAddress(addressOf(this.address))}`

  protected async act(m: Model, sut: Sut) {
    const cred = pickCredential(m, this.pick)
    const key = cred.key
    // A rename evicts the key everywhere, so the verification below reads the store.
    await performUpdate(m, sut, this.instance, key, {})
    const address = addressOf(this.address)
    const before = expectCredential(m, cred, this.instance, NO_REQUIREMENT, address)
    const { gate, keyward } = sut.instances[this.instance]
    const read = gate.arm()
    let verification: Promise<Attempt<VerifiedKey>> | undefined
    try {
      verification = attempt(() =>
        keyward.verify(cred.token, address.ip === undefined ? {} : { clientIp: address.ip }),
      )
      let timer: ReturnType<typeof setTimeout> | undefined
      const first = await Promise.race([
        read.then(() => 'read' as const),
        verification.then(() => 'answered' as const),
        new Promise<'stuck'>((resolve) => {
          timer = setTimeout(() => resolve('stuck'), 5_000)
        }),
      ])
      clearTimeout(timer)
      gate.disarm()
      if (first === 'stuck')
        mismatch(m, sut, 'race', 'a store read or an answer', 'neither within 5 s')
      if (first === 'read') sut.stats.races++
      sut.trace.push(
        `  ${cred.label} on ${NAMES[this.instance]}: ${first === 'read' ? 'read the store; held' : 'answered at once'}`,
      )
      await this.mutate(m, sut, key)
    } finally {
      gate.release()
    }
    const settled = await verification
    sut.stats.verifications++
    const after = expectCredential(m, cred, this.instance, NO_REQUIREMENT, address)
    const problem =
      verificationProblem(cred, before, settled) === undefined
        ? undefined
        : verificationProblem(cred, after, settled)
    sut.trace.push(`  held verification → ${settled.ok ? 'verified' : settled.code}`)
    if (problem !== undefined) {
      mismatch(
        m,
        sut,
        `the verification of ${cred.label} held across the change (${problem})`,
        `${describeExpected(before)} (before the change) or ${describeExpected(after)} (after)`,
        describeVerified(settled),
      )
    }
    await afterVerified(m, sut, this.instance, cred, settled)
  }

  private mutate(m: Model, sut: Sut, key: ModelKey): Promise<void> {
    const on = this.mutationInstance
    switch (this.mutation.kind) {
      case 'narrow':
        return performUpdate(m, sut, on, key, { scopesMask: this.mutation.mask })
      case 'expiry':
        return performUpdate(m, sut, on, key, { expiresIn: this.mutation.expiresIn })
      case 'revoke':
        return performRevoke(m, sut, on, key)
      case 'rotate':
        return performRotate(m, sut, on, key, this.mutation.grace)
      case 'suspend':
        return performSuspend(m, sut, on, key)
      case 'resume':
        return performResume(m, sut, on, key)
      case 'rules':
        return performSetRules(m, sut, on, key, this.mutation.rules)
    }
  }
}

class SuspendKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () => `suspend key[${this.index}] on ${NAMES[this.instance]}`
  protected act(m: Model, sut: Sut) {
    return performSuspend(m, sut, this.instance, pickKey(m, this.index))
  }
}

class ResumeKey extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
  ) {
    super()
  }
  check = hasKeys
  toString = () => `resume key[${this.index}] on ${NAMES[this.instance]}`
  protected act(m: Model, sut: Sut) {
    return performResume(m, sut, this.instance, pickKey(m, this.index))
  }
}

class SetRules extends Step {
  constructor(
    readonly instance: Instance,
    readonly index: number,
    readonly rules: Rules,
  ) {
    super()
  }
  check = hasKeys
  toString = () => `allow key[${this.index}] ${this.rules} on ${NAMES[this.instance]}`
  protected act(m: Model, sut: Sut) {
    return performSetRules(m, sut, this.instance, pickKey(m, this.index), this.rules)
  }
}

// ---------------------------------------------------------------------------------------
// Arbitraries and the property.

const instanceArb = fc.constantFrom<Instance>(0, 1)
const rulesArb = fc.constantFrom<Rules>('anywhere', 'anywhere', 'office', 'home')
const addressArb = fc.nat(ADDRESSES.length - 1)
const indexArb = fc.nat(1_000)
const grantsArb = fc.subarray([...GRANTS])
const lifetimeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 30 }), weight: 3 },
  { arbitrary: fc.integer({ min: 31, max: 3_600 }), weight: 3 },
  { arbitrary: fc.integer({ min: 3_601, max: 90 * DAY_S }), weight: 2 },
  { arbitrary: fc.constantFrom(0, MAX_LIFETIME_S, MAX_LIFETIME_S + 1), weight: 1 },
)
const graceArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 2 },
  { arbitrary: fc.integer({ min: 61, max: MAX_GRACE_S }), weight: 2 },
  { arbitrary: fc.constant(MAX_GRACE_S + 1), weight: 1 },
)
const ttlArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 3 },
  { arbitrary: fc.integer({ min: 61, max: MAX_TTL_S }), weight: 3 },
  { arbitrary: fc.constant(MAX_TTL_S + 1), weight: 1 },
)
const requestedArb = fc.option(fc.subarray([...GRANTS], { minLength: 1 }), { nil: undefined })
const twoScopes = fc.uniqueArray(fc.constantFrom(...SCOPES), { minLength: 2, maxLength: 2 })
const requirementArb: fc.Arbitrary<Requirement> = fc.oneof(
  fc.constant(NO_REQUIREMENT),
  fc.constantFrom(...SCOPES).map((scope) => ({ all: [scope], any: [] })),
  twoScopes.map((all) => ({ all, any: [] })),
  twoScopes.map((any) => ({ all: [], any })),
)
const pickArb: fc.Arbitrary<CredentialPick> = fc.record({
  kind: fc.constantFrom<'key' | 'token'>('key', 'key', 'token'),
  index: indexArb,
})
const maskArb = fc.nat(63)
const targetArb: fc.Arbitrary<TargetPick> = fc.oneof(
  { arbitrary: fc.constant({ self: true as const }), weight: 1 },
  { arbitrary: indexArb.map((index) => ({ self: false as const, index })), weight: 3 },
)
const changeArb: fc.Arbitrary<UpdateChange> = fc.record(
  {
    scopesMask: fc.option(maskArb, { nil: undefined }),
    expiresIn: fc.option(lifetimeArb, { nil: undefined }),
  },
  { requiredKeys: [] },
)
const advanceArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 1_500 }), weight: 3 },
  { arbitrary: fc.integer({ min: 1_500, max: 65_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 65_000, max: 3 * DAY_S * SECOND }), weight: 2 },
  { arbitrary: fc.integer({ min: 3 * DAY_S * SECOND, max: 400 * DAY_S * SECOND }), weight: 1 },
)
const lateActionArb: fc.Arbitrary<LateAction> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), grants: grantsArb, expiresIn: lifetimeArb }),
  fc.record({
    kind: fc.constant('patch' as const),
    target: targetArb,
    scopes: fc.option(
      fc.oneof(
        maskArb.map((mask) => ({ mask })),
        grantsArb.map((grants) => ({ grants })),
      ),
      { nil: undefined },
    ),
    expiresIn: fc.option(lifetimeArb, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('rotate' as const), target: targetArb, grace: graceArb }),
  fc.record({ kind: fc.constant('self-rotate' as const), grace: graceArb }),
  fc.record({ kind: fc.constant('delete' as const), target: targetArb }),
  fc.constant({ kind: 'revoke-all' as const }),
  fc.record({ kind: fc.constant('token' as const), requested: requestedArb, ttl: ttlArb }),
)
const raceMutationArb: fc.Arbitrary<RaceMutation> = fc.oneof(
  maskArb.map((mask) => ({ kind: 'narrow' as const, mask })),
  lifetimeArb.map((expiresIn) => ({ kind: 'expiry' as const, expiresIn })),
  fc.constant({ kind: 'revoke' as const }),
  graceArb.map((grace) => ({ kind: 'rotate' as const, grace })),
  fc.constant({ kind: 'suspend' as const }),
  fc.constant({ kind: 'resume' as const }),
  rulesArb.map((rules) => ({ kind: 'rules' as const, rules })),
)

const commandArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        instanceArb,
        fc.constantFrom(...OWNERS),
        grantsArb,
        lifetimeArb,
        fc.constantFrom('token' as const, 'hash' as const),
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 3 },
          { arbitrary: fc.nat(20), weight: 1 },
        ),
      )
      .map(
        ([i, owner, grants, expiresIn, as, again]) =>
          new ImportKey(i, owner, grants, expiresIn, as, again),
      ),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, fc.constantFrom(...OWNERS), grantsArb, lifetimeArb, rulesArb)
      .map(
        ([i, owner, grants, expiresIn, rules]) => new CreateKey(i, owner, grants, expiresIn, rules),
      ),
    weight: 5,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, pickArb, requirementArb, addressArb)
      .map(([i, pick, req, address]) => new Verify(i, pick, req, address)),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(
        instanceArb,
        indexArb,
        fc.constantFrom('issuer' as const, 'management' as const),
        requestedArb,
        ttlArb,
        addressArb,
      )
      .map(
        ([i, index, via, requested, ttl, address]) =>
          new Mint(i, index, via, requested, ttl, address),
      ),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, indexArb, changeArb)
      .map(([i, index, change]) => new UpdateKey(i, index, change)),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, indexArb, graceArb)
      .map(([i, index, grace]) => new RotateKey(i, index, grace, false)),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, indexArb, graceArb)
      .map(([i, index, grace]) => new RotateKey(i, index, grace, true)),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(instanceArb, indexArb).map(([i, index]) => new RevokeKey(i, index)),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, fc.constantFrom(...OWNERS, ...OWNERS, undefined))
      .map(([i, owner]) => new RevokeAll(i, owner)),
    weight: 1,
  },
  { arbitrary: advanceArb.map((ms) => new Advance(ms)), weight: 3 },
  {
    arbitrary: fc
      .tuple(indexArb, instanceArb, fc.constantFrom<-1 | 0 | 1>(-1, 0, 1))
      .map(([index, i, offset]) => new AdvanceTo(index, i, offset)),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, pickArb, graceArb, addressArb)
      .map(([i, pick, grace, address]) => new SelfRotate(i, pick, grace, address)),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, pickArb, lateActionArb, addressArb)
      .map(([i, pick, action, address]) => new LateBegin(i, pick, action, address)),
    weight: 3,
  },
  { arbitrary: fc.constant(null).map(() => new LateFinish()), weight: 4 },
  {
    arbitrary: fc
      .tuple(instanceArb, pickArb, raceMutationArb, instanceArb, addressArb)
      .map(([i, pick, mutation, on, address]) => new RaceVerify(i, pick, mutation, on, address)),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(instanceArb, indexArb).map(([i, index]) => new SuspendKey(i, index)),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(instanceArb, indexArb).map(([i, index]) => new ResumeKey(i, index)),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(instanceArb, indexArb, rulesArb)
      .map(([i, index, rules]) => new SetRules(i, index, rules)),
    weight: 1,
  },
)

export type Backend = 'memory' | 'redis'

export interface LifecycleCheckOptions {
  backend: Backend
  /**
   * With the memory backend: add an edge instance on the polling list (`originStore`,
   * `originList` over A's edge routes, real HTTP) that must verify every API key as A does.
   */
  edge?: boolean
  /** Sequences to run. */
  numRuns: number
  /** Longest sequence. Default 40. */
  maxCommands?: number
  seed?: number
  /** fast-check's replay path, printed with a failure (`path: "…"`). */
  path?: string
  /** The commands' own replay path, printed in the counterexample (`replayPath="…"`). */
  replayPath?: string
  /** Stops generating new sequences (or shrinking) after this long, in ms. */
  timeLimit?: number
  stats: ModelStats
}

/**
 * Runs `numRuns` random sequences against two instances on `backend` and the model; rejects
 * with fast-check's report (seed, path, the shrunk sequence and the first disagreement).
 */
export async function checkLifecycle(options: LifecycleCheckOptions): Promise<void> {
  const { stats } = options
  const signingKey = await generateSigningKey()
  const clients =
    options.backend === 'redis'
      ? ([await connectRedis(), await connectRedis()] as const)
      : undefined
  const property = fc.asyncProperty(
    fc.commands([commandArb], {
      maxCommands: options.maxCommands ?? 40,
      size: 'max',
      ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
    }),
    async (commands) => {
      const sut = clients
        ? await createRedisSut(stats, signingKey, clients)
        : createMemorySut(stats, signingKey)
      if (options.edge && !clients) {
        const origin = sut.instances[0]
        sut.edge = await createSutEdge(
          origin.keyward,
          origin.keyward.scopes,
          sut.clock,
          LEGACY_TOKENS,
        )
        const close = sut.close
        sut.close = async () => {
          await close()
          await sut.edge?.close()
        }
      }
      stats.sequences++
      try {
        await fc.asyncModelRun(() => ({ model: initialModel(sut.clock.t), real: sut }), commands)
        await checkAuditLog(sut)
      } finally {
        await sut.close()
      }
    },
  )
  try {
    await fc.assert(property, {
      numRuns: options.numRuns,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.timeLimit === undefined ? {} : { interruptAfterTimeLimit: options.timeLimit }),
    })
  } finally {
    if (clients) await Promise.all(clients.map((client) => client.quit()))
  }
}
