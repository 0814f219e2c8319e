import {
  type ApiKeyJson,
  InvalidArgumentError,
  type KeyUsageJson,
  KeywardError,
  type KeywardErrorCode,
  UnavailableError,
} from '@keyward/core'
import { redactUrl } from '../lib/redact.js'
import type { AuditViewPage, Backend, KeyView, KeyViewPage, PageQuery } from './backend.js'

/** `list` stops after this many pages of 100 (a million keys), whatever the API answers. */
const MAX_PAGES = 10_000

/** How the CLI reaches a running application's management API. */
export interface ApiBackendOptions {
  /** Where the management API is mounted, e.g. `https://api.example.com/api-keys`. */
  url: string
  /** An API key holding the manage scope, from the environment (never argv). */
  token: string
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch
}

/**
 * Manages keys through the management REST API of a running application. That API acts for
 * its caller's owner only: `--owner` must name that owner, and `revoke-all --everyone` is not
 * available (use a store backend for those).
 */
export function apiBackend(options: ApiBackendOptions): Backend {
  const base = options.url.replace(/\/+$/, '')
  const where = redactUrl(base)

  const call = apiCall(options, base, where)

  const { page, list } = apiPages(call)

  /** The API acts for its caller's owner only; refuse to pretend otherwise. */
  const assertOwner = async (ownerId: string | undefined) => {
    if (ownerId === undefined) return
    // The caller's own key is one of its owner's: the first key of one page names the owner.
    const owner = (await page({ limit: 1 })).keys[0]?.ownerId
    if (owner !== ownerId) {
      throw new InvalidArgumentError(
        'owner',
        `Through --api only the owner of KEYWARD_API_TOKEN${owner ? ` (${owner})` : ''} can be managed; use a store backend (--redis or --database) for owner ${ownerId}.`,
      )
    }
  }

  return {
    description: `the management API at ${where}`,
    async list(ownerId) {
      const keys = await list()
      await assertOwner(ownerId)
      return keys
    },
    async listPage(ownerId, query) {
      await assertOwner(ownerId)
      return page(query)
    },
    async audit(ownerId, query) {
      await assertOwner(ownerId)
      const parameters = new URLSearchParams()
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) parameters.set(name, String(value))
      }
      const search = parameters.size === 0 ? '' : `?${parameters}`
      const answer = await call<Partial<AuditViewPage>>('GET', `/audit${search}`)
      return { events: answer.events ?? [], nextCursor: answer.nextCursor ?? null }
    },
    async usage(id, query) {
      const parameters = new URLSearchParams()
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) parameters.set(name, value)
      }
      const search = parameters.size === 0 ? '' : `?${parameters}`
      return call<KeyUsageJson>('GET', `/${encodeURIComponent(id)}/usage${search}`)
    },
    async create(input) {
      await assertOwner(input.ownerId)
      const issued = await call<{ token: string; key: ApiKeyJson }>('POST', '/', {
        name: input.name,
        scopes: input.scopes,
        ...(input.expiresIn === undefined ? {} : { expiresIn: input.expiresIn }),
        ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
        ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
        ...(input.allowedIps === undefined ? {} : { allowedIps: input.allowedIps }),
      })
      return { token: issued.token, key: view(issued.key) }
    },
    async update(id, input) {
      return view(await call<ApiKeyJson>('PATCH', `/${encodeURIComponent(id)}`, input))
    },
    async suspend(id, reason) {
      const body = reason === undefined ? {} : { reason }
      return view(await call<ApiKeyJson>('POST', `/${encodeURIComponent(id)}/suspend`, body))
    },
    async resume(id) {
      return view(await call<ApiKeyJson>('POST', `/${encodeURIComponent(id)}/resume`, {}))
    },
    async rotate(id, options = {}) {
      const issued = await call<{ token: string; key: ApiKeyJson }>(
        'POST',
        `/${encodeURIComponent(id)}/rotate`,
        options,
      )
      return { token: issued.token, key: view(issued.key) }
    },
    async revoke(id) {
      await call('DELETE', `/${encodeURIComponent(id)}`)
      return true
    },
    async revokeAll(ownerId) {
      if (ownerId === undefined) {
        throw new InvalidArgumentError(
          'everyone',
          'The management API revokes only its caller owner’s keys; use a store backend (--redis or --database) for --everyone.',
        )
      }
      await assertOwner(ownerId)
      return call<{ revokedBefore: string }>('POST', '/revoke-all')
    },
    async close() {},
  }
}

/** A request to the management API: its JSON answer, or the error it refused with. */
type ApiCall = <T>(method: string, path: string, body?: unknown) => Promise<T>

/**
 * Requests to the management API at `base` (`where` is its redacted form for messages),
 * authenticated with the token: the JSON answer, or the error the API refused with.
 */
function apiCall(options: ApiBackendOptions, base: string, where: string): ApiCall {
  const fetcher = options.fetch ?? globalThis.fetch
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response
    try {
      response = await fetcher(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      })
    } catch (error) {
      throw new UnavailableError(
        `Cannot reach the management API at ${where}: ${(error as Error).message}`,
        { cause: error },
      )
    }
    const text = await response.text()
    const json = text === '' ? undefined : parseJson(text)
    if (response.ok) return json as T
    throw refusal(response.status, json, where, `${method} ${where}${path}`)
  }
}

/** Reading `GET /` a page at a time: one page, or every page (100 keys each). */
function apiPages(call: ApiCall) {
  const page = async (query: PageQuery): Promise<KeyViewPage> => {
    const parameters = new URLSearchParams()
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) parameters.set(name, String(value))
    }
    const search = parameters.size === 0 ? '' : `?${parameters}`
    const answer = await call<{ keys?: ApiKeyJson[]; nextCursor?: string | null }>(
      'GET',
      `/${search}`,
    )
    return { keys: (answer.keys ?? []).map(view), nextCursor: answer.nextCursor ?? null }
  }
  const list = async () => {
    const keys: KeyView[] = []
    let cursor: string | undefined
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const next = await page({ limit: 100, ...(cursor === undefined ? {} : { cursor }) })
      keys.push(...next.keys)
      if (next.nextCursor === null || next.nextCursor === cursor) return keys
      cursor = next.nextCursor
    }
    return keys
  }
  return { page, list }
}

/**
 * The error for an answer of the management API at `where` that is not ok: core's error of
 * its problem `code`; usage when nothing is mounted there (a 404 without a code); unavailable
 * for a server error or an answer that is not the management API's.
 */
function refusal(status: number, json: unknown, where: string, request: string): KeywardError {
  const problem = json as { code?: unknown; detail?: unknown; field?: unknown } | undefined
  const code = typeof problem?.code === 'string' ? (problem.code as KeywardErrorCode) : undefined
  const detail = typeof problem?.detail === 'string' ? problem.detail : `HTTP ${status}`
  if (code === undefined && status === 404) {
    // Not the management API's own 404 (that carries a code): nothing is mounted there.
    return new InvalidArgumentError(
      'api',
      `Nothing answers at ${where}: ${request} is HTTP 404. Give --api the URL the management API is mounted at, e.g. https://api.example.com/api-keys.`,
    )
  }
  if (code === undefined || status >= 500) {
    return new UnavailableError(`The management API at ${where} failed: ${detail}`)
  }
  if (code === 'invalid_argument') {
    const field = typeof problem?.field === 'string' ? problem.field : 'input'
    return new InvalidArgumentError(field, detail)
  }
  const why = status === 401 ? ' (check KEYWARD_API_TOKEN)' : ''
  return new KeywardError({
    code,
    status,
    message: `The management API refused: ${detail}${why}`,
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function view(key: ApiKeyJson & { status?: KeyView['status'] }): KeyView {
  const status = key.status ?? (Date.parse(key.expiresAt) <= Date.now() ? 'expired' : 'active')
  return { ...key, scopes: [...key.scopes], status }
}
