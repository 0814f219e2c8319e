/**
 * The routes an edge deployment reads through (`GET /edge/changes`, `POST /edge/lookup`): the
 * origin's revocation feed and its keys by digest, for callers holding the deployment's edge
 * secret, never an API key or a signed-in person.
 */
import { RevocationFeed } from '../../backends/revocation-feed.js'
import {
  ForbiddenError,
  InvalidArgumentError,
  InvalidTokenError,
  MissingTokenError,
  NotFoundError,
} from '../../errors.js'
import type { Keyward } from '../../keyward.js'
import { assertObject } from '../../lib/options.js'
import type { KeyRecord } from '../../types.js'
import type { ManagementRequest, ManagementResponse } from '../request.js'
import { jsonResponse } from './json.js'
import { objectSchema, type RouteOperation } from './operation.js'

/** The header an edge deployment presents its secret in. */
export const EDGE_SECRET_HEADER = 'keyward-edge-secret'

/** The shortest edge secret accepted, in characters: about 190 bits of base64url. */
export const MIN_EDGE_SECRET_LENGTH = 32

/** Options of the management API's edge routes (`createManagementApi({ edge })`). */
export interface EdgeRoutesOptions {
  /**
   * The deployment-level credential edge instances present as the `Keyward-Edge-Secret`
   * header: at least 32 characters, shared with the edge's `originStore` / `originList` and
   * nobody else (it reads every key's record by digest and the revocation feed). Compared in
   * constant time.
   */
  secret: string
}

/** What the edge routes act through, built once by `createManagementApi`. */
export interface EdgeAccess {
  /** Throws 401 without the edge secret (403 for a caller presenting something else instead). */
  authorize(request: ManagementRequest): Promise<void>
  readonly feed: RevocationFeed
  readonly store: Keyward['store']
  readonly realm: string
}

/**
 * The edge routes' access over `keyward`, its option checked: a `TypeError` naming `edge` or
 * `edge.secret` when it is not one, or the revocation list cannot serve a feed.
 */
export function createEdgeAccess(keyward: Keyward<string>, options: unknown): EdgeAccess {
  assertObject(options, 'edge')
  const { secret } = options as Partial<EdgeRoutesOptions>
  if (typeof secret !== 'string' || secret.length < MIN_EDGE_SECRET_LENGTH) {
    throw new TypeError(
      `edge.secret must be a string of at least ${MIN_EDGE_SECRET_LENGTH} characters`,
    )
  }
  if (typeof keyward.revocations.snapshot !== 'function') {
    throw new TypeError(
      'edge needs a revocation list with snapshot() (every list of Keyward has one) to serve its feed',
    )
  }
  const expected = digestOf(secret)
  const feed = new RevocationFeed(keyward.revocations)
  const realm = keyward.realm
  return {
    feed,
    store: keyward.store,
    realm,
    async authorize(request) {
      const presented = request.header?.(EDGE_SECRET_HEADER)
      if (presented === undefined || presented === '') {
        if (request.principal != null || request.header?.('authorization') !== undefined) {
          throw new ForbiddenError(
            "Edge routes answer only the deployment's edge secret (the Keyward-Edge-Secret header).",
          )
        }
        throw new MissingTokenError({ realm })
      }
      if (!equalDigests(await digestOf(presented), await expected)) {
        throw new InvalidTokenError('unknown_token', 'The edge secret is not this deployment’s.', {
          realm,
        })
      }
    },
  }
}

async function digestOf(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

/** Constant time over two SHA-256 digests: neither the secret's length nor its content leaks. */
function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] ?? 0)
  return difference === 0
}

/** A version as the feed issues them: `<16 hex>.<n>`. */
const VERSION = /^[0-9a-f]{16}\.[0-9]{1,16}$/

/** `GET /edge/changes?since=`: the revocation changes after `since`, or the whole state. */
export function revocationChanges(edge: EdgeAccess, query: URLSearchParams): ManagementResponse {
  const since = query.get('since') ?? undefined
  if (since !== undefined && since !== '0' && !VERSION.test(since)) {
    throw new InvalidArgumentError('since', 'since must be a version this feed issued, or 0.')
  }
  return jsonResponse(200, edge.feed.changes(since === '0' ? undefined : since))
}

/** A digest as tokens hash to: SHA-256 or HMAC-SHA-256, base64url, 43 characters. */
const DIGEST = /^[A-Za-z0-9_-]{43}$/

/** `POST /edge/lookup`: the record of the key whose hash is the given digest, without the hash. */
export async function lookupByDigest(edge: EdgeAccess, body: unknown): Promise<ManagementResponse> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidArgumentError('digest', 'The body must be { "digest": "<43 characters>" }.')
  }
  const { digest, ...rest } = body as Record<string, unknown>
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined) throw new InvalidArgumentError(unknown, `Unknown field ${unknown}.`)
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new InvalidArgumentError('digest', 'digest must be 43 base64url characters.')
  }
  const record = await edge.store.findByHash(digest)
  if (record === undefined) throw new NotFoundError()
  return jsonResponse(200, { key: edgeKeyJson(record) })
}

/** A record as the edge needs it to verify: everything but the hash and the last use. */
export type EdgeKeyJson = Omit<KeyRecord, 'hash' | 'lastUsedAt'>

function edgeKeyJson(record: KeyRecord): EdgeKeyJson {
  const { hash: _hash, lastUsedAt: _lastUsedAt, ...key } = record
  return key
}

/** What the OpenAPI document says of the edge routes. */
export const EDGE_OPERATIONS = {
  changes: {
    operationId: 'getRevocationChanges',
    summary: 'The revocation feed of an edge deployment',
    description:
      'The revocation changes after version `since`, oldest first, or (without `since`, or ' +
      'for a version this origin process cannot answer from its log) the whole revocation ' +
      'state. Edge instances poll it every `pollInterval`. 503 while the origin cannot vouch ' +
      "for its own state. Needs the deployment's edge secret.",
    tag: 'Edge',
    query: [
      {
        name: 'since',
        description:
          'The version the caller holds (`version` of its last answer); absent or 0: none.',
        schema: { type: 'string', pattern: '^(0|[0-9a-f]{16}\\.[0-9]{1,16})$' },
      },
    ],
    success: {
      status: 200,
      description: 'The changes, or the whole state.',
      schema: 'RevocationFeedPage',
    },
  },
  lookup: {
    operationId: 'lookupKeyByDigest',
    summary: 'The key whose token hashes to a digest',
    description:
      'What an edge instance needs to verify a token it was presented: the record (never its ' +
      'hash) of the key whose hash is `digest`, or 404. Answers only for a digest it is ' +
      "given; it never lists keys. Needs the deployment's edge secret.",
    tag: 'Edge',
    body: { json: 'EdgeLookupRequest', required: true },
    success: { status: 200, description: 'The key record.', schema: 'EdgeKey' },
    refusals: [404],
  },
} as const satisfies Record<string, RouteOperation>

/** The edge routes' schemas: the revocation feed and a key record by digest (epoch ms, never a hash). */
export function edgeSchemas() {
  const epochMs = { type: 'integer', description: 'Epoch milliseconds.' }
  const pairs = (first: string) => ({
    type: 'array',
    items: {
      type: 'array',
      prefixItems: [{ type: 'string', description: first }, epochMs],
      minItems: 2,
      maxItems: 2,
    },
  })
  const change = {
    type: 'object',
    required: ['type'],
    properties: {
      type: {
        type: 'string',
        enum: ['revoked', 'updated', 'suspended', 'resumed', 'revoked_owner', 'revoked_all'],
      },
      id: { type: 'string' },
      ownerId: { type: 'string' },
      expiresAt: epochMs,
      at: epochMs,
    },
  }
  return {
    RevocationFeedPage: {
      type: 'object',
      required: ['version'],
      description:
        'Either `changes` (after `since`, oldest first) or `snapshot` (the whole state).',
      properties: {
        version: { type: 'string', description: 'What to send as `since` next time; opaque.' },
        changes: { type: 'array', items: change },
        snapshot: objectSchema({
          revoked: pairs('key id'),
          ownerEpochs: pairs('owner id'),
          globalEpoch: { oneOf: [epochMs, { type: 'null' }] },
          suspended: pairs('key id'),
        }),
      },
    },
    EdgeLookupRequest: objectSchema({
      digest: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-]{43}$',
        description: 'The hash of the presented token, as the store keeps it (base64url).',
      },
    }),
    EdgeKey: objectSchema({
      key: {
        type: 'object',
        required: ['id', 'prefix', 'hint', 'name', 'ownerId', 'scopes', 'createdAt', 'expiresAt'],
        description:
          'The key record as the verifier reads it (times in epoch ms), without its hash: id, ' +
          'owner, scopes, expiry, rotation, revocation, suspension, limits, credits and networks.',
        properties: {
          id: { type: 'string', pattern: '^key_[0-9A-Za-z]{16}$' },
          prefix: { type: 'string' },
          hint: { type: 'string' },
          name: { type: 'string' },
          ownerId: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string' } },
          createdAt: epochMs,
          expiresAt: epochMs,
          revokedAt: epochMs,
          suspendedAt: epochMs,
          allowedIps: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: true,
      },
    }),
  }
}
