import type {
  ApiKeyJson,
  AuditPageJson,
  Catalog,
  IssuedKeyJson,
  KeyPageJson,
  KeyStatus,
  KeyUsageJson,
  RateLimitJson,
} from '../types.js'

/** Credits as the management API takes them: a balance granted now, perhaps refilled. */
export interface CreditsInput {
  remaining: number
  refill?: { amount: number; interval: number }
}

/** A rate limit as the management API takes it (`name` defaults to `default`). */
export type RateLimitInput = Omit<RateLimitJson, 'name'> & { name?: string }

/**
 * A failed request as the management API described it (RFC 9457 problem+json), or a network
 * failure (`status` 0). `field` names the input a 422 refused.
 */
export class ProblemError extends Error {
  readonly status: number
  readonly code: string | undefined
  readonly field: string | undefined

  constructor(status: number, message: string, code?: string, field?: string) {
    super(message)
    this.name = 'ProblemError'
    this.status = status
    this.code = code
    this.field = field
  }
}

/** What one page of the list asks for; an empty `name` or `status` filters nothing. */
export interface KeyPageQuery {
  limit: number
  cursor?: string | null | undefined
  status?: KeyStatus | '' | undefined
  /** A case-insensitive prefix of the name. */
  name?: string | undefined
}

/** The calls the component makes, relative to the management API's base URL. */
export interface ManagementClient {
  /** One page of the keys (`GET ?limit=&cursor=&status=&name=`). */
  listPage(query: KeyPageQuery): Promise<KeyPageJson>
  /** One key; a `ProblemError` with status 404 once it is revoked or gone. */
  get(id: string): Promise<ApiKeyJson>
  catalog(): Promise<Catalog>
  create(input: {
    name: string
    scopes: string[]
    expiresAt?: string
    expiresIn?: number
    rateLimits?: RateLimitInput[]
    credits?: CreditsInput
    allowedIps?: string[]
  }): Promise<IssuedKeyJson>
  /**
   * `null` removes the key's own rate limits (the deployment's apply again), its credits, or
   * its allowed networks (it works from anywhere again).
   */
  update(
    id: string,
    input: {
      name?: string
      expiresAt?: string
      expiresIn?: number
      rateLimits?: RateLimitInput[] | null
      credits?: CreditsInput | null
      allowedIps?: string[] | null
    },
  ): Promise<ApiKeyJson>
  /** Rotates the key: the old one ends after `gracePeriod` seconds, or at the new one's first use (`until`), at most that late. */
  rotate(
    id: string,
    rotation: { gracePeriod?: number; until?: 'first-use' },
  ): Promise<IssuedKeyJson>
  /** Suspends the key (it is refused until resumed), with the reason if one is given. */
  suspend(id: string, reason: string): Promise<ApiKeyJson>
  /** Lifts the key's suspension. */
  resume(id: string): Promise<ApiKeyJson>
  revoke(id: string): Promise<void>
  revokeAll(): Promise<void>
  /** One page of the audit log (`GET /audit?keyId=&cursor=`), of one key or of every key. */
  audit(keyId: string | undefined, cursor: string | null): Promise<AuditPageJson>
  /** A key's counts by outcome (`GET /:id/usage?from=&granularity=`), from `from` to now. */
  usage(id: string, from: Date, granularity: 'hour' | 'day'): Promise<KeyUsageJson>
}

/**
 * Builds the client for the management API at `base` (e.g. `/api-keys`). Requests carry the
 * page's cookies (same origin) and `Content-Type: application/json` on every state-changing
 * call, which the server's CSRF rule requires; `headers()` adds the app's own (a CSRF token).
 */
export function createManagementClient(
  base: string,
  headers: () => Record<string, string>,
): ManagementClient {
  const root = base.replace(/\/+$/, '')

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${root}${path}`, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        headers: {
          accept: 'application/json, application/problem+json',
          ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
          ...headers(),
        },
        ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
      })
    } catch (error) {
      throw new ProblemError(0, error instanceof Error ? error.message : String(error))
    }
    if (response.status === 204) return undefined as T
    const text = await response.text()
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!response.ok) {
      const problem = (json ?? {}) as {
        detail?: unknown
        title?: unknown
        code?: unknown
        field?: unknown
      }
      const message =
        typeof problem.detail === 'string'
          ? problem.detail
          : typeof problem.title === 'string'
            ? problem.title
            : `${response.status} ${response.statusText}`
      throw new ProblemError(
        response.status,
        message,
        typeof problem.code === 'string' ? problem.code : undefined,
        typeof problem.field === 'string' ? problem.field : undefined,
      )
    }
    return json as T
  }

  const key = (id: string) => `/${encodeURIComponent(id)}`
  return {
    listPage: async (query) => {
      const params = new URLSearchParams()
      for (const [name, value] of Object.entries(query)) if (value) params.set(name, `${value}`)
      const page = await call<Partial<KeyPageJson>>('GET', `?${params}`)
      return { keys: page.keys ?? [], nextCursor: page.nextCursor ?? null }
    },
    get: (id) => call<ApiKeyJson>('GET', key(id)),
    audit: (keyId, cursor) => {
      const params = new URLSearchParams()
      if (keyId) params.set('keyId', keyId)
      if (cursor) params.set('cursor', cursor)
      return call<AuditPageJson>('GET', `/audit?${params}`)
    },
    usage: (id, from, granularity) => {
      const params = new URLSearchParams({ from: from.toISOString(), granularity })
      return call<KeyUsageJson>('GET', `${key(id)}/usage?${params}`)
    },
    catalog: () => call<Catalog>('GET', '/catalog'),
    create: (input) => call<IssuedKeyJson>('POST', '', input),
    update: (id, input) => call<ApiKeyJson>('PATCH', key(id), input),
    rotate: (id, rotation) => call<IssuedKeyJson>('POST', `${key(id)}/rotate`, rotation),
    suspend: (id, reason) =>
      call<ApiKeyJson>('POST', `${key(id)}/suspend`, reason === '' ? {} : { reason }),
    resume: (id) => call<ApiKeyJson>('POST', `${key(id)}/resume`, {}),
    revoke: (id) => call<void>('DELETE', key(id)),
    revokeAll: async () => {
      await call<unknown>('POST', '/revoke-all', {})
    },
  }
}
