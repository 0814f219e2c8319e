import { toBase64Url } from '../../lib/base64url.js'
import { generateKeyId } from '../../token/token.js'
import type { KeyRecord } from '../../types.js'

const DAY = 86_400_000

/** A random string that no other test run will produce, safe inside Redis key names. */
export function uniqueSuffix(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(9)))
}

/** A fresh owner id, so tests never see each other's records even on a shared backend. */
export function sampleOwnerId(): string {
  return `owner_${uniqueSuffix()}`
}

/** A well-formed hash value: 43 base64url characters, as a real SHA-256 would give. */
export function sampleHash(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
}

/**
 * A valid record with unique id, hash and owner. Times are relative to the real clock and
 * expire in 30 days, because stores may let records expire in their backend.
 */
export function sampleRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const createdAt = Date.now() - DAY
  return {
    id: generateKeyId(),
    hash: sampleHash(),
    prefix: 'kw_test',
    hint: 'kw_test_Ab12…',
    name: 'Conformance key',
    ownerId: sampleOwnerId(),
    scopes: ['projects:read'],
    createdAt,
    expiresAt: createdAt + 31 * DAY,
    ...overrides,
  }
}

/**
 * A record that uses every optional field, with nested metadata. It is therefore revoked and
 * rotated: a conditional update never applies to it.
 */
export function fullSampleRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const record = sampleRecord(overrides)
  return {
    ...record,
    lastUsedAt: record.createdAt + 1_000,
    metadata: { plan: 'pro', limits: { rps: 10, burst: [1, 2, 3] }, note: 'ünïcødé ✓' },
    rotatedFrom: generateKeyId(),
    rotatedTo: generateKeyId(),
    revokedAt: record.createdAt + 2_000,
    rateLimits: [
      { name: 'default', limit: 100, window: 60_000 },
      { name: 'daily', limit: 10_000, window: 86_400_000 },
    ],
    credits: {
      remaining: 1_000,
      grantedAt: record.createdAt,
      refill: { amount: 1_000, interval: 2_592_000_000 },
      account: generateKeyId(),
    },
    allowedIps: ['203.0.113.0/24', '198.51.100.7', '2001:db8::/48', '::1'],
    suspendedAt: record.createdAt + 1_500,
    suspendReason: 'Unpaid invoice',
    ...overrides,
  }
}
