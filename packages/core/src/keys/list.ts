import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  KEY_STATUSES,
  MAX_PAGE_SIZE,
  MAX_STORE_PAGE_SIZE,
} from '../backends/key-page.js'
import { toApiKey } from '../backends/record.js'
import { InvalidArgumentError } from '../errors.js'
import { revokedByEpoch } from '../revocation-types.js'
import type { ApiKey, KeyRecord, KeyStatus, ListKeysOptions, RevocationList } from '../types.js'
import { callBackend, type LifecycleContext } from './context.js'
import { assertObjectArgument, parseOwnerId } from './input.js'
import { statusAt } from './read.js'

/** The longest name prefix a page may be filtered by (the longest name). */
const MAX_NAME_FILTER = 100
/** `keys.list` stops rather than loop if a store keeps answering cursors (1 000 × this many keys). */
const MAX_WALK_PAGES = 100_000

/** What `keyward.keys.listPage` takes: one page, from a cursor, by status and name. */
export interface ListPageOptions {
  /** Keys per page, an integer from 1 to 100. Default 50. */
  limit?: number
  /** The `nextCursor` of the previous page. Absent: the first page. */
  cursor?: string
  /** Only keys with this status now. Absent: every key except revoked ones. */
  status?: KeyStatus
  /** Only keys whose name starts with this, case-insensitively; at most 100 characters. */
  name?: string
}

/** One page of `keyward.keys.listPage`. */
export interface KeyPage {
  /** Newest first (ties by id, descending); at most `limit`, possibly fewer before the end. */
  keys: ApiKey[]
  /** Pass it as `cursor` for the next page; `null` when there is none. */
  nextCursor: string | null
}

/**
 * `keyward.keys.listPage`: one page of an owner's keys, newest first, O(page) in every
 * shipped store. A page may hold fewer than `limit` keys while `nextCursor` is not `null`.
 */
export async function listKeyPage(
  ctx: LifecycleContext,
  ownerId: string,
  options: ListPageOptions = {},
): Promise<KeyPage> {
  const owner = parseOwnerId(ownerId)
  const query = parseListPageOptions(options)
  const page = await readPage(ctx, owner, query)
  return { keys: await ctx.withUsage(page.keys.map(toApiKey)), nextCursor: page.nextCursor }
}

/**
 * `keyward.keys.list`: every key of an owner that is not revoked, oldest first. Walks the
 * store's pages (1 000 records each), so it costs O(n) in the owner's keys.
 */
export async function listKeys(ctx: LifecycleContext, ownerId: string): Promise<ApiKey[]> {
  const owner = parseOwnerId(ownerId)
  const at = ctx.now()
  const keys: ApiKey[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < MAX_WALK_PAGES; pages++) {
    const page = await readPage(
      ctx,
      owner,
      { limit: MAX_STORE_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) },
      at,
    )
    for (const record of page.keys) keys.push(toApiKey(record))
    if (page.nextCursor === null) return ctx.withUsage(keys.reverse())
    if (page.nextCursor === cursor) break
    cursor = page.nextCursor
  }
  throw new Error('the key store kept answering the same cursor while listing an owner')
}

/**
 * One store page, judged at `at` with the revocation list's revoke-all epoch; records the
 * list revokes by id (a revocation still on its way to the record) are dropped here too.
 */
async function readPage(
  ctx: LifecycleContext,
  ownerId: string,
  options: ListKeysOptions,
  at = ctx.now(),
): Promise<{ keys: KeyRecord[]; nextCursor: string | null }> {
  const revokedBefore = revokeAllEpoch(ctx.revocations, ownerId)
  const query: ListKeysOptions = {
    ...options,
    at,
    ...(revokedBefore === undefined ? {} : { revokedBefore }),
  }
  const page = await callBackend(() => ctx.store.listByOwner(ownerId, query))
  const wanted = options.status
  const keys = page.keys.filter((record) => {
    const status = statusAt(ctx, record, at)
    return wanted === undefined ? status !== 'revoked' : status === wanted
  })
  return { keys, nextCursor: page.nextCursor }
}

/**
 * The later of the owner's and the global revoke-all epoch, or `undefined` when neither is
 * set. `RevocationList` answers only `isRevoked`, which is monotone in `createdAt` for an id
 * nothing revokes on its own, so the epoch is found by binary search over epoch ms: 54
 * in-memory lookups, no backend call.
 */
export function revokeAllEpoch(list: RevocationList, ownerId: string): number | undefined {
  const revokes = (createdAt: number) => revokedByEpoch(list, ownerId, createdAt)
  if (!revokes(0)) return undefined
  let low = 0
  let high = Number.MAX_SAFE_INTEGER
  if (revokes(high)) return high
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2)
    if (revokes(middle)) low = middle
    else high = middle
  }
  return low
}

/** Checks `keys.listPage`'s options; a bad one is `InvalidArgumentError` naming it (422). */
export function parseListPageOptions(options: unknown): ListKeysOptions {
  assertObjectArgument(options, 'options')
  const { limit, cursor, status, name } = options as Record<string, unknown>
  const parsed: ListKeysOptions = { limit: DEFAULT_PAGE_SIZE }
  if (limit !== undefined) {
    if (
      typeof limit !== 'number' ||
      !Number.isInteger(limit) ||
      limit < 1 ||
      limit > MAX_PAGE_SIZE
    ) {
      throw new InvalidArgumentError(
        'limit',
        `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`,
      )
    }
    parsed.limit = limit
  }
  if (cursor !== undefined) {
    decodeCursor(cursor)
    parsed.cursor = cursor as string
  }
  if (status !== undefined) {
    if (!KEY_STATUSES.includes(status as KeyStatus)) {
      throw new InvalidArgumentError('status', `status must be one of ${KEY_STATUSES.join(', ')}.`)
    }
    parsed.status = status as KeyStatus
  }
  if (name !== undefined) {
    if (typeof name !== 'string' || name.length > MAX_NAME_FILTER) {
      throw new InvalidArgumentError(
        'name',
        `name must be a string of at most ${MAX_NAME_FILTER} characters.`,
      )
    }
    if (name !== '') parsed.name = name
  }
  return parsed
}
