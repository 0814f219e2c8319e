import { InvalidArgumentError } from '../errors.js'
import type { KeyMetadata } from '../types.js'

/**
 * Parsers of lifecycle input: each returns the value to store or throws an
 * `InvalidArgumentError` naming the field (422 in management routes).
 */

const MAX_NAME = 100
const MAX_OWNER_ID = 200
const MAX_METADATA_JSON = 4096

export function assertObject(value: unknown, field: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(field, `${field} must be an object.`)
  }
}

export function parseName(name: unknown): string {
  if (typeof name !== 'string') throw new InvalidArgumentError('name', 'name must be a string.')
  const trimmed = name.trim()
  if (trimmed.length === 0) throw new InvalidArgumentError('name', 'name must not be blank.')
  if (trimmed.length > MAX_NAME) {
    throw new InvalidArgumentError('name', `name must be at most ${MAX_NAME} characters.`)
  }
  return trimmed
}

export function parseOwnerId(ownerId: unknown): string {
  if (typeof ownerId !== 'string' || ownerId.trim() === '' || ownerId.length > MAX_OWNER_ID) {
    throw new InvalidArgumentError(
      'ownerId',
      `ownerId must be a non-blank string of at most ${MAX_OWNER_ID} characters.`,
    )
  }
  return ownerId
}

export function parseMetadata(metadata: unknown): KeyMetadata | undefined {
  if (metadata === undefined) return undefined
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidArgumentError('metadata', 'metadata must be a JSON object.')
  }
  let json: string
  try {
    json = JSON.stringify(metadata)
  } catch {
    throw new InvalidArgumentError('metadata', 'metadata must be JSON-serialisable.')
  }
  if (new TextEncoder().encode(json).length > MAX_METADATA_JSON) {
    throw new InvalidArgumentError(
      'metadata',
      `metadata must be at most ${MAX_METADATA_JSON} bytes as JSON.`,
    )
  }
  return JSON.parse(json) as KeyMetadata
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Parses an {@link Instant} to epoch ms; rejects with `invalid_argument` naming `field`. */
export function parseInstant(value: unknown, field: string): number {
  let ms: number
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number') ms = value
  else if (typeof value === 'string' && ISO_8601.test(value)) ms = Date.parse(value)
  else {
    throw new InvalidArgumentError(
      field,
      `${field} must be a Date, epoch milliseconds or an ISO 8601 string.`,
    )
  }
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidArgumentError(field, `${field} is not a valid point in time.`)
  }
  return ms
}

