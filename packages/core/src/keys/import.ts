import { toApiKey } from '../backends/record.js'
import { InvalidArgumentError } from '../errors.js'
import { parseCredits, parseRateLimits } from '../limits/input.js'
import { normaliseDigest } from '../token/digest.js'
import { legacyTokenHint } from '../token/legacy.js'
import { generateKeyId, parseToken, tokenHint } from '../token/token.js'
import type { KeyRecord } from '../types.js'
import { callBackend, type LifecycleContext } from './context.js'
import { type CreateKeyInput, chooseCreatedAt } from './create.js'
import {
  type ActionContext,
  assertObjectArgument,
  parseActor,
  parseAllowedIps,
  parseExpiry,
  parseMetadata,
  parseName,
  parseOwnerId,
} from './input.js'

/**
 * One key issued elsewhere, to be imported (one line of a `keyward import` JSONL file): the
 * fields of `create`, and the key's plaintext `token` or the SHA-256 digest of it (`hash`).
 */
export type ImportKeyRecord<S extends string = string> = Omit<CreateKeyInput<S>, 'ownerId'> & {
  /** Who the key belongs to; required unless the call imposes one (`ImportOptions.ownerId`). */
  ownerId?: string
  /**
   * The plaintext token: a Keyward token of an accepted prefix, or one matching the
   * `legacyTokens` pattern. Hashed at once; never stored, reported or logged.
   */
  token?: string
  /**
   * Instead of `token`: the token's SHA-256 digest, as hex (64 characters), base64 or
   * base64url (43 characters, `=` optional). Refused when the deployment has a `pepper`.
   */
  hash?: string
}

/** Options of `keyward.keys.import`. */
export interface ImportOptions {
  /**
   * Every record must belong to this owner: a record without `ownerId` takes it, one naming
   * another owner is `invalid` (field `ownerId`). Default: none, each record names its own.
   */
  ownerId?: string
}

/** What happened to one record, by its position in the input. Never holds a token or digest. */
export interface ImportResult {
  /** The record's position in the input, from 0. */
  index: number
  /**
   * `imported`: stored as a new key (`id`). `duplicate`: a key with the same digest exists
   * (imported before, or earlier in this input): nothing changed. `invalid`: refused, `field`
   * and `message` say why; nothing stored.
   */
  status: 'imported' | 'duplicate' | 'invalid'
  /** The new key's id (`imported`). */
  id?: string
  /** The field that was wrong (`invalid`), as `create` names it. */
  field?: string
  /** Why (`invalid`). */
  message?: string
}

/** What `keyward.keys.import` resolves to: the counts, and one result per record in order. */
export interface ImportReport {
  imported: number
  duplicates: number
  invalid: number
  results: ImportResult[]
}

/** Records parsed, hashed and stored per batch (one `insertMany` per batch). */
export const IMPORT_BATCH_SIZE = 1_000

/**
 * `keyward.keys.import`: stores keys issued elsewhere so their tokens keep working, in
 * batches of {@link IMPORT_BATCH_SIZE} (one store round trip each where the store has
 * `insertMany`). Each record is checked with `create`'s rules; an invalid one is reported and
 * the others go on. A record whose digest is already stored (or met earlier in the input) is a
 * `duplicate`, so importing the same file twice changes nothing. Emits `imported` per key.
 * Rejects `InvalidArgumentError` when `records` is not an array, `unavailable` when a backend
 * fails (records of earlier batches stay imported: run it again).
 */
export async function importKeys(
  ctx: LifecycleContext,
  records: readonly unknown[],
  options: ImportOptions = {},
  action: ActionContext | undefined,
): Promise<ImportReport> {
  if (!Array.isArray(records)) {
    throw new InvalidArgumentError('records', 'records must be an array of key records.')
  }
  assertObjectArgument(options, 'options')
  const actor = parseActor(action)
  const ownerId = options.ownerId === undefined ? undefined : parseOwnerId(options.ownerId)
  const report: ImportReport = { imported: 0, duplicates: 0, invalid: 0, results: [] }
  const seen = new Set<string>()
  // Stryker disable next-line EqualityOperator: one more, empty batch parses, stores and emits nothing
  for (let start = 0; start < records.length; start += IMPORT_BATCH_SIZE) {
    const batch = records.slice(start, start + IMPORT_BATCH_SIZE)
    const at = ctx.now()
    const pending: Array<{ index: number; record: KeyRecord }> = []
    for (const [offset, input] of batch.entries()) {
      const index = start + offset
      const parsed = await parseImportRecord(ctx, input, { at, ownerId })
      if (parsed instanceof InvalidArgumentError) {
        const { field, message } = parsed
        report.results.push({ index, status: 'invalid', field, message })
      } else if (seen.has(parsed.hash)) {
        report.results.push({ index, status: 'duplicate' })
      } else {
        seen.add(parsed.hash)
        pending.push({ index, record: parsed })
        report.results.push({ index, status: 'imported', id: parsed.id })
      }
    }
    // Like create's: past a revoke-all of the same millisecond, so no key is dead on arrival.
    const owners = new Set(pending.map(({ record }) => record.ownerId))
    const createdAt = pending.length === 0 ? 0 : await chooseCreatedAt(ctx, owners)
    for (const { record } of pending) record.createdAt = createdAt
    const added = await insertRecords(
      ctx,
      pending.map(({ record }) => record),
    )
    for (const [i, { index, record }] of pending.entries()) {
      if (!added[i]) {
        report.results[index] = { index, status: 'duplicate' }
        continue
      }
      const key = toApiKey(record)
      await ctx.emit({ type: 'imported', key, at, ...actor }, action)
    }
  }
  for (const { status } of report.results) {
    if (status === 'imported') report.imported++
    else if (status === 'duplicate') report.duplicates++
    else report.invalid++
  }
  return report
}

/**
 * One record checked as `create` checks its input, plus its `token` or `hash`: the record to
 * store, or the error naming the first bad field (never quoting a token or digest).
 */
async function parseImportRecord(
  ctx: LifecycleContext,
  input: unknown,
  batch: { at: number; ownerId: string | undefined },
): Promise<KeyRecord | InvalidArgumentError> {
  try {
    assertObjectArgument(input, 'record')
    const fields = input as ImportKeyRecord
    const { at } = batch
    const ownerId = importOwner(fields.ownerId, batch.ownerId)
    const name = parseName(fields.name)
    const scopes = ctx.catalog.validateGrants(fields.scopes)
    const expiresAt = parseExpiry(fields, at, ctx.limits, true)
    const metadata = parseMetadata(fields.metadata)
    const rateLimits =
      fields.rateLimits === undefined ? undefined : parseRateLimits(fields.rateLimits)
    const credits = fields.credits === undefined ? undefined : parseCredits(fields.credits, at)
    const allowedIps = fields.allowedIps === undefined ? [] : parseAllowedIps(fields.allowedIps)
    const secret = await importedSecret(ctx, fields)
    return {
      id: generateKeyId(),
      ...secret,
      name,
      ownerId,
      scopes,
      createdAt: 0, // set once the batch's owners are known
      expiresAt,
      ...(metadata === undefined ? {} : { metadata }),
      ...(rateLimits === undefined ? {} : { rateLimits }),
      ...(credits === undefined ? {} : { credits }),
      ...(allowedIps.length === 0 ? {} : { allowedIps }),
    }
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error
    throw error
  }
}

/** The record's owner: its own, or the one the call imposes (another one is refused). */
function importOwner(given: unknown, imposed: string | undefined): string {
  if (imposed === undefined) return parseOwnerId(given)
  if (given !== undefined && given !== imposed) {
    throw new InvalidArgumentError('ownerId', 'ownerId must be your own owner (or left out).')
  }
  return imposed
}

/**
 * The stored hash, prefix and hint of a record's `token` or `hash`. A Keyward token keeps its
 * prefix and hint; a legacy token is hinted by its first 4 characters; a bare digest has
 * neither (prefix `imported`, hint `…`). The messages never repeat what was given.
 */
async function importedSecret(
  ctx: LifecycleContext,
  fields: ImportKeyRecord,
): Promise<Pick<KeyRecord, 'hash' | 'prefix' | 'hint'>> {
  const { token, hash } = fields
  if ((token === undefined) === (hash === undefined)) {
    throw new InvalidArgumentError('token', 'Give the token or its hash, exactly one of them.')
  }
  if (hash !== undefined) {
    if (ctx.peppered) {
      throw new InvalidArgumentError(
        'hash',
        'hash cannot be imported: this deployment hashes tokens with a pepper, so only a plaintext token can be imported.',
      )
    }
    const digest = typeof hash === 'string' ? normaliseDigest(hash) : undefined
    if (digest === undefined) {
      throw new InvalidArgumentError(
        'hash',
        'hash must be a SHA-256 digest as hex (64 characters), base64 or base64url (43 characters).',
      )
    }
    return { hash: digest, prefix: 'imported', hint: '…' }
  }
  if (typeof token !== 'string') throw new InvalidArgumentError('token', 'token must be a string.')
  // The pattern matches no Keyward token (checked when the instance is built): tried first, it
  // spares legacy tokens the failed parse.
  if (ctx.isLegacyToken?.(token) === true) {
    return { hash: await ctx.hasher.hash(token), prefix: 'legacy', hint: legacyTokenHint(token) }
  }
  let parsed: { prefix: string; secret: string }
  try {
    parsed = parseToken(token, ctx.prefixes)
  } catch {
    throw new InvalidArgumentError(
      'token',
      'token is neither a Keyward token of an accepted prefix (with a valid checksum) nor a token matching the legacyTokens pattern.',
    )
  }
  const prefix = parsed.prefix
  const hint = tokenHint(parsed.prefix, parsed.secret)
  return { hash: await ctx.hasher.hash(token), prefix, hint }
}

/**
 * Stores `records`: in one `insertMany` where the store has it, else one at a time, a record
 * whose hash is found already counting as not added. Resolves whether each was added.
 */
async function insertRecords(
  ctx: LifecycleContext,
  records: readonly KeyRecord[],
): Promise<boolean[]> {
  if (records.length === 0) return []
  const { store } = ctx
  if (store.insertMany) return callBackend(() => store.insertMany!(records))
  const added: boolean[] = []
  for (const record of records) {
    added.push(
      await callBackend(async () => {
        // Stryker disable next-line ConditionalExpression: a fast path; insert rejects a stored hash (the TokenStore contract) and the catch below then finds it, a duplicate all the same
        if (await store.findByHash(record.hash)) return false
        try {
          await store.insert(record)
          return true
        } catch (error) {
          // A concurrent import of the same token won the race: a duplicate, not a failure.
          if (await store.findByHash(record.hash)) return false
          throw error
        }
      }),
    )
  }
  return added
}
