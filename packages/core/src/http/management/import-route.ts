/**
 * `POST /import`: keys issued elsewhere, imported for the caller's owner (core's
 * `keys.import`), with what the OpenAPI document says of it.
 */
import { InvalidArgumentError, KeywardError } from '../../errors.js'
import type { ImportResult } from '../../keys/import.js'
import type { ManagementResponse } from '../request.js'
import { bodyFields } from './body.js'
import { actionOf, assertCallerHolds, type Caller, type ManagementContext } from './context.js'
import { jsonResponse } from './json.js'
import { CREATE_FIELDS } from './key-routes.js'
import { type JsonSchema, objectSchema, type RouteOperation } from './operation.js'

/** The most records one request may carry; more is 422 naming `keys`. */
export const MAX_IMPORT_RECORDS = 1_000
/** The fields of one record: `create`'s, its token or digest, and the owner (the caller's only). */
export const IMPORT_FIELDS = [...CREATE_FIELDS, 'token', 'hash', 'ownerId'] as const

/**
 * `POST /import` `{ keys: [...] }`: each record is checked on its own and reported (`imported`
 * with its id, `duplicate`, `invalid` with the field), never aborting the others: a record of
 * another owner is `invalid` (`ownerId`), one granting scopes the caller lacks too (`scopes`),
 * as least privilege wants. Answers 200 with the report, never a token or digest.
 */
export async function importKeys(
  ctx: ManagementContext,
  caller: Caller,
  body: unknown,
): Promise<ManagementResponse> {
  const { keys: records } = bodyFields(body, ['keys'])
  if (!Array.isArray(records) || records.length === 0) {
    throw new InvalidArgumentError('keys', 'keys must be a non-empty array of key records.')
  }
  if (records.length > MAX_IMPORT_RECORDS) {
    throw new InvalidArgumentError(
      'keys',
      `keys must hold at most ${MAX_IMPORT_RECORDS} records a request; send the rest in further requests.`,
    )
  }
  const refused: ImportResult[] = []
  const accepted: Array<{ index: number; record: unknown }> = []
  for (const [index, record] of records.entries()) {
    try {
      accepted.push({ index, record: checkRecord(ctx, caller, record) })
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error
      refused.push({ index, status: 'invalid', field: error.field, message: error.message })
    }
  }
  const report = await ctx.keys.import(
    accepted.map(({ record }) => record) as never,
    { ownerId: caller.ownerId },
    actionOf(caller),
  )
  const results = [
    ...refused,
    ...report.results.map((result) => ({ ...result, index: accepted[result.index]!.index })),
  ].sort((a, b) => a.index - b.index)
  return jsonResponse(200, {
    imported: report.imported,
    duplicates: report.duplicates,
    invalid: report.invalid + refused.length,
    results,
  })
}

/** What HTTP adds to core's checks of a record: JSON forms, known fields, the caller's scopes. */
function checkRecord(ctx: ManagementContext, caller: Caller, record: unknown): unknown {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InvalidArgumentError('record', 'Each record must be a JSON object.')
  }
  const fields = record as Record<string, unknown>
  for (const field of Object.keys(fields)) {
    if (!(IMPORT_FIELDS as readonly string[]).includes(field)) {
      throw new InvalidArgumentError(field, `${field} is not accepted in an imported record.`)
    }
  }
  if (fields.expiresAt !== undefined && typeof fields.expiresAt !== 'string') {
    throw new InvalidArgumentError('expiresAt', 'expiresAt must be an ISO 8601 string.')
  }
  if (fields.ownerId !== undefined && fields.ownerId !== caller.ownerId) {
    throw new InvalidArgumentError('ownerId', "ownerId must be the caller's own (or left out).")
  }
  const scopes = ctx.scopes.validateGrants(fields.scopes)
  try {
    assertCallerHolds(ctx, caller, scopes)
  } catch (error) {
    if (!(error instanceof KeywardError)) throw error
    throw new InvalidArgumentError('scopes', error.message)
  }
  return { ...fields, scopes }
}

/** What the OpenAPI document says of `POST /import`. */
export const IMPORT_OPERATION: RouteOperation = {
  operationId: 'importKeys',
  summary: "Import keys issued elsewhere for the caller's owner",
  description:
    `Up to ${MAX_IMPORT_RECORDS} records a request (and within the API's body size limit), ` +
    "each a key's plaintext `token` (a Keyward token, or one matching the deployment's " +
    '`legacyTokens` pattern) or its SHA-256 `hash` (hex, base64 or base64url; refused with a ' +
    'pepper), with the fields of create. Each record is reported on its own: `imported` with ' +
    'its id, `duplicate` when a key with the same digest exists (a re-run changes nothing), ' +
    '`invalid` with the field (another owner, a scope the caller lacks, a bad value). The ' +
    'answer never holds a token or a digest.',
  tag: 'API keys',
  body: { json: 'ImportKeysRequest', required: true },
  success: {
    status: 200,
    description: 'The report, one result per record.',
    schema: 'ImportReport',
  },
}

/** The answer of `POST /import`: the counts, and one result per record, in order. */
export function importReportSchema(): JsonSchema {
  const count = { type: 'integer', minimum: 0 }
  const result = objectSchema(
    {
      index: { type: 'integer', minimum: 0, description: "The record's position, from 0." },
      status: { type: 'string', enum: ['imported', 'duplicate', 'invalid'] },
      id: { type: 'string', description: 'The new key (`imported`).' },
      field: { type: 'string', description: 'The field that was wrong (`invalid`).' },
      message: { type: 'string', description: 'Why (`invalid`).' },
    },
    ['id', 'field', 'message'],
  )
  return objectSchema({
    imported: count,
    duplicates: count,
    invalid: count,
    results: { type: 'array', items: result },
  })
}
