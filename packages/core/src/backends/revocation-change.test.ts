import { describe, expect, it } from 'vitest'
import {
  decodeRevocationMessage,
  encodeRevocationMessage,
  revocationChange,
} from './revocation-change.js'

const T0 = 1_700_000_000_000

describe('revocationChange', () => {
  it('refuses a change it could not read back with a TypeError naming the argument', () => {
    expect(() => revocationChange.updated('')).toThrow(
      new TypeError('id must be a non-empty string'),
    )
    expect(() => revocationChange.resumed('')).toThrow(
      new TypeError('id must be a non-empty string'),
    )
    expect(revocationChange.updated('key_a')).toStrictEqual({ type: 'updated', id: 'key_a' })
  })
})

describe('decodeRevocationMessage', () => {
  it('refuses a message from an empty origin, which could not tell it from its own', () => {
    const change = { type: 'updated', id: 'key_a' } as const
    expect(decodeRevocationMessage(encodeRevocationMessage('me', change))).toStrictEqual({
      origin: 'me',
      change,
    })
    expect(decodeRevocationMessage(encodeRevocationMessage('', change))).toBeUndefined()
    expect(decodeRevocationMessage(JSON.stringify({ origin: 5, ...change }))).toBeUndefined()
  })

  it('refuses an empty key or owner id, which no list writes', () => {
    for (const text of [
      { origin: 'me', type: 'revoked', id: '', expiresAt: T0 },
      { origin: 'me', type: 'updated', id: '' },
      { origin: 'me', type: 'suspended', id: '', expiresAt: T0 },
      { origin: 'me', type: 'resumed', id: '' },
      { origin: 'me', type: 'revoked_owner', ownerId: '', at: T0 },
    ]) {
      expect(decodeRevocationMessage(JSON.stringify(text)), text.type).toBeUndefined()
    }
  })

  it('refuses a time that is not a finite number: a numeric string, or one too large for a double', () => {
    for (const text of [
      `{"origin":"me","type":"revoked","id":"key_a","expiresAt":"${T0}"}`,
      '{"origin":"me","type":"revoked","id":"key_a","expiresAt":1e400}',
      '{"origin":"me","type":"suspended","id":"key_a","expiresAt":1e400}',
      '{"origin":"me","type":"revoked_owner","ownerId":"org_1","at":1e400}',
      '{"origin":"me","type":"revoked_all","at":1e400}',
      `{"origin":"me","type":"revoked_all","at":"${T0}"}`,
    ]) {
      expect(decodeRevocationMessage(text), text).toBeUndefined()
    }
  })

  it('refuses text that is not an object', () => {
    for (const text of ['5', '"me"', 'true', '[]', '["me"]', 'not json']) {
      expect(decodeRevocationMessage(text), text).toBeUndefined()
    }
  })
})
