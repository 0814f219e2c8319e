import { storeHealthOf } from '../backends/bounded-backends.js'
import type { MirrorFreshness } from '../backends/revocation-mirror.js'
import { errorResponse, type Problem, UnavailableError } from '../errors.js'
import type { Keyward } from '../keyward.js'

/**
 * How one backend stands: `ok`; `degraded` (unreachable or behind, while this instance still
 * answers from what it holds); `failed` (this instance fails closed because of it).
 */
export type BackendState = 'ok' | 'degraded' | 'failed'

/** The revocation list's part of a {@link ReadinessReport}. */
export interface RevocationsReadiness {
  /** The backend the list mirrors (`'Redis'`, `'PostgreSQL'`), or `'in-process'`. */
  backend: string
  state: BackendState
  /** Milliseconds since the mirror's last confirmed contact; `null` before its first load or in-process. */
  mirrorAge: number | null
  /** How old the mirror may grow before verifications fail closed, ms; `null` in-process. */
  maxStaleness: number | null
}

/** The key store's part of a {@link ReadinessReport}. */
export interface StoreReadiness {
  state: BackendState
  /** Milliseconds since the store last answered; `null` when it has not yet (or is not watched). */
  lastAnswer: number | null
  /** Why its last call failed, while it is failing. */
  error?: string
}

/** How each backend stands, in both the 200 and the 503 body. */
export interface BackendReadiness {
  revocations: RevocationsReadiness
  store: StoreReadiness
}

/** The 200 body: this instance answers verifications; `degraded` while a backend is down. */
export interface ReadyBody extends BackendReadiness {
  status: 'ready' | 'degraded'
}

/** The 503 body: problem+json (`code: 'unavailable'`) with how each backend stands. */
export type NotReadyBody = Problem & BackendReadiness

/**
 * The answer of a readiness route, ready to send: 200 JSON, or 503 problem+json with
 * `Retry-After`. `revocations` and `store` are also at the top for programs that read it.
 */
export interface Readiness extends BackendReadiness {
  /** Whether this instance answers verifications now (`status` 200). */
  ready: boolean
  status: 200 | 503
  headers: Record<string, string>
  body: ReadyBody | NotReadyBody
}

/** A revocation list that can say how fresh its mirror is (`RedisRevocationList`, `PostgresRevocationList`). */
interface FreshnessSource {
  freshness(at?: number): MirrorFreshness
}

const hasFreshness = (list: unknown): list is FreshnessSource =>
  typeof (list as Partial<FreshnessSource>).freshness === 'function'

function revocationsReadiness(keyward: Keyward, at: number): RevocationsReadiness {
  const list: unknown = keyward.revocations
  if (!hasFreshness(list)) {
    return { backend: 'in-process', state: 'ok', mirrorAge: null, maxStaleness: null }
  }
  const mirror = list.freshness(at)
  const behind = !mirror.fresh || (mirror.age ?? Number.POSITIVE_INFINITY) > mirror.maxStaleness
  return {
    backend: mirror.backend,
    state: !mirror.answers ? 'failed' : behind ? 'degraded' : 'ok',
    mirrorAge: mirror.age ?? null,
    maxStaleness: mirror.maxStaleness,
  }
}

function storeReadiness(keyward: Keyward, at: number): StoreReadiness {
  const health = storeHealthOf(keyward.store)
  const lastAnswer = health?.lastSuccess === undefined ? null : Math.max(0, at - health.lastSuccess)
  if (health === undefined || !health.failing) return { state: 'ok', lastAnswer }
  // Every cached record was read at or before the last answer: past the cache's TTL after it,
  // nothing cached answers, and with the store failing every verification fails closed.
  const cacheSpent = lastAnswer === null || lastAnswer >= health.cacheTtl
  return {
    state: cacheSpent ? 'failed' : 'degraded',
    lastAnswer,
    ...(health.lastError === undefined ? {} : { error: health.lastError }),
  }
}

/**
 * Whether this instance answers verifications now, for an application's readiness route
 * (`GET /ready`): 503 only once it would fail closed — its revocation mirror is older than
 * `maxStaleness` (or not loaded yet), or its store is failing and nothing it cached is still
 * usable — so a load balancer does not drop every instance at once on a blip they ride out.
 * While a backend is down but this instance still answers, it is 200 with `status: 'degraded'`,
 * and both bodies say which backend is degraded and how old the mirror is.
 *
 * Cheap and synchronous: it reads state Keyward already keeps, and contacts no backend.
 *
 * @param at The clock reading to judge at, epoch ms. Default: `keyward.now()`.
 */
export function readiness(keyward: Keyward, at: number = keyward.now()): Readiness {
  const revocations = revocationsReadiness(keyward, at)
  const store = storeReadiness(keyward, at)
  const failed = revocations.state === 'failed' || store.state === 'failed'
  if (!failed) {
    const degraded = revocations.state !== 'ok' || store.state !== 'ok'
    return {
      ready: true,
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: { status: degraded ? 'degraded' : 'ready', revocations, store },
      revocations,
      store,
    }
  }
  const why =
    revocations.state === 'failed'
      ? `the revocation list has had no confirmed contact with ${revocations.backend} for more than ${revocations.maxStaleness} ms`
      : 'the key store is not answering and nothing cached is still usable'
  const problem = errorResponse(
    new UnavailableError(`This instance fails closed: ${why}.`, { realm: keyward.realm }),
  )
  return {
    ready: false,
    status: 503,
    headers: { ...problem.headers, 'cache-control': 'no-store' },
    body: { ...problem.body, revocations, store },
    revocations,
    store,
  }
}
