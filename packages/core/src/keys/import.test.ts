import { describe, expect, it } from 'vitest'
import { importRecord, LEGACY, legacyToken, sha256 } from '../../test/import-records.js'
import { clockedKeyward, recordingStore, T0 } from '../../test/keyward.js'
import { outcome } from '../../test/outcome.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import { generateToken } from '../token/token.js'
import type { KeyEvent, TokenStore } from '../types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})
type S = keyof typeof scopes.descriptions
const record = (fields: Record<string, unknown>) => importRecord<S>(fields)

function setup(options: Partial<KeywardOptions<S>> & { legacy?: false } = {}) {
  const events: KeyEvent[] = []
  const { legacy, ...rest } = options
  const { keyward, clock, store } = clockedKeyward(scopes, {
    ...(legacy === false ? {} : { legacyTokens: LEGACY }),
    onEvent: (event) => void events.push(event),
    ...rest,
  })
  return { keyward, clock, store, events }
}

describe('keys.import', () => {
  it('imports Keyward tokens, legacy tokens and digests in hex, base64 and base64url; each verifies', async () => {
    const { keyward, events } = setup()
    const native = generateToken('kw_live')
    const tokens = [native, legacyToken(1), legacyToken(2), legacyToken(3), legacyToken(4)]
    const report = await keyward.keys.import([
      record({ token: tokens[0], metadata: { from: 'old-system' } }),
      record({ token: tokens[1], scopes: ['projects:write'] }),
      record({ hash: sha256(tokens[2]!, 'hex') }),
      record({ hash: sha256(tokens[3]!, 'base64') }),
      record({ hash: sha256(tokens[4]!, 'base64url') }),
    ])
    expect(report).toMatchObject({ imported: 5, duplicates: 0, invalid: 0 })
    expect(report.results.map(({ index, status }) => [index, status])).toStrictEqual([
      [0, 'imported'],
      [1, 'imported'],
      [2, 'imported'],
      [3, 'imported'],
      [4, 'imported'],
    ])
    for (const [i, token] of tokens.entries()) {
      const verified = await keyward.verify(token)
      expect(verified.id).toBe(report.results[i]!.id)
    }
    await expect(keyward.verify(tokens[1]!, { scopes: ['projects:write'] })).resolves.toMatchObject(
      { ownerId: 'org_1', scopes: ['projects:write'] },
    )
    const stored = await keyward.keys.get(report.results[0]!.id!)
    expect(stored).toMatchObject({ prefix: 'kw_live', hint: `${native.slice(0, 12)}…` })
    expect(stored?.metadata).toStrictEqual({ from: 'old-system' })
    expect(stored?.createdAt).toBe(T0)
    expect((await keyward.keys.get(report.results[1]!.id!))?.hint).toBe('sk_0…')
    expect(events.map((event) => event.type)).toStrictEqual(Array(5).fill('imported'))
    await keyward.audit.flush()
    const audit = await keyward.audit.list({ ownerId: 'org_1', type: 'imported' })
    expect(audit.events).toHaveLength(5)
    const everything = JSON.stringify([report, events, audit])
    for (const token of tokens) {
      expect(everything).not.toContain(token)
      expect(everything).not.toContain(sha256(token, 'base64url'))
      expect(everything).not.toContain(sha256(token, 'hex'))
    }
  })

  it('reports a re-run of the same records as duplicates and changes nothing', async () => {
    const { keyward, store } = setup()
    const records = [
      record({ token: legacyToken(7) }),
      record({ hash: sha256(legacyToken(8), 'hex') }),
      // The same digest again in the same input, written another way.
      record({ hash: sha256(legacyToken(8), 'base64') }),
    ]
    const first = await keyward.keys.import(records)
    expect(first.results.map((r) => r.status)).toStrictEqual(['imported', 'imported', 'duplicate'])
    const before = await store.listByOwner('org_1')
    const again = await keyward.keys.import(records)
    expect(again).toStrictEqual({
      imported: 0,
      duplicates: 3,
      invalid: 0,
      results: [0, 1, 2].map((index) => ({ index, status: 'duplicate' })),
    })
    expect(await store.listByOwner('org_1')).toStrictEqual(before)
  })

  it('reports an invalid record with its field, and imports the others', async () => {
    const { keyward } = setup()
    const tooLong = 'x'.repeat(101)
    const report = await keyward.keys.import([
      record({ token: 'not-a-token-of-any-kind' }),
      record({ token: legacyToken(1), name: tooLong }),
      record({ token: legacyToken(2), scopes: ['projects:delete'] }),
      record({ token: legacyToken(3), expiresAt: T0 - 1 }),
      record({ token: legacyToken(4), hash: sha256(legacyToken(4), 'hex') }),
      record({ hash: 'abc' }),
      record({ token: legacyToken(5), ownerId: '' }),
      'not an object',
      record({ token: legacyToken(6), metadata: [] }),
      record({ token: legacyToken(9) }),
    ] as never)
    expect(report.results.map(({ status, field }) => [status, field])).toStrictEqual([
      ['invalid', 'token'],
      ['invalid', 'name'],
      ['invalid', 'scopes[0]'],
      ['invalid', 'expiresAt'],
      ['invalid', 'token'],
      ['invalid', 'hash'],
      ['invalid', 'ownerId'],
      ['invalid', 'record'],
      ['invalid', 'metadata'],
      ['imported', undefined],
    ])
    expect(report).toMatchObject({ imported: 1, invalid: 9 })
    expect(JSON.stringify(report)).not.toContain('not-a-token-of-any-kind')
    expect(await outcome(keyward.verify(legacyToken(9)))).toBe('ok')
    expect(await outcome(keyward.verify(legacyToken(1)))).toBe('unknown_token')
  })

  it('refuses a foreign token without legacyTokens, and a digest when the deployment has a pepper', async () => {
    const plain = setup({ legacy: false })
    const refused = await plain.keyward.keys.import([record({ token: legacyToken(1) })])
    expect(refused.results[0]).toMatchObject({ status: 'invalid', field: 'token' })
    const peppered = setup({ pepper: 'a pepper of sixteen bytes or more' })
    const token = legacyToken(2)
    const report = await peppered.keyward.keys.import([
      record({ hash: sha256(token, 'hex') }),
      record({ token }),
    ])
    expect(report.results[0]).toMatchObject({ status: 'invalid', field: 'hash' })
    expect(report.results[0]!.message).toContain('pepper')
    expect(report.results[1]!.status).toBe('imported')
    expect(await outcome(peppered.keyward.verify(token))).toBe('ok')
  })

  it('imposes an owner: a record of another owner is invalid, one without an owner takes it', async () => {
    const { keyward } = setup()
    const report = await keyward.keys.import(
      [
        record({ token: legacyToken(1), ownerId: 'org_2' }),
        record({ token: legacyToken(2), ownerId: undefined }),
      ],
      { ownerId: 'org_1' },
    )
    expect(report.results[0]).toMatchObject({ status: 'invalid', field: 'ownerId' })
    expect(report.results[1]!.status).toBe('imported')
    expect((await keyward.verify(legacyToken(2))).ownerId).toBe('org_1')
  })

  it('rejects records that are not an array', async () => {
    const { keyward } = setup()
    await expect(keyward.keys.import({} as never)).rejects.toMatchObject({ field: 'records' })
  })

  it('imports through insert when the store has no insertMany, still idempotent', async () => {
    const memory = new MemoryTokenStore()
    const store: TokenStore = {
      findByHash: (hash) => memory.findByHash(hash),
      get: (id) => memory.get(id),
      listByOwner: (owner, options) => memory.listByOwner(owner, options),
      insert: (r) => memory.insert(r),
      update: (id, patch, condition) => memory.update(id, patch, condition),
      delete: (id) => memory.delete(id),
      touch: (id, at) => memory.touch(id, at),
    }
    const { keyward } = setup({ store, singleInstance: true })
    const records = [record({ token: legacyToken(1) }), record({ token: legacyToken(2) })]
    expect((await keyward.keys.import(records)).imported).toBe(2)
    expect((await keyward.keys.import(records)).duplicates).toBe(2)
    expect(await outcome(keyward.verify(legacyToken(2)))).toBe('ok')
  })

  it('rotating an imported legacy key issues a Keyward token; revoking one stops it', async () => {
    const { keyward } = setup()
    const report = await keyward.keys.import([
      record({ token: legacyToken(1) }),
      record({ hash: sha256(legacyToken(2), 'hex') }),
    ])
    const rotated = await keyward.keys.rotate(report.results[0]!.id!)
    expect(rotated.token).toMatch(/^kw_live_[0-9A-Za-z]{38}$/)
    expect(rotated.key.prefix).toBe('kw_live')
    expect(await outcome(keyward.verify(rotated.token))).toBe('ok')
    expect(await outcome(keyward.verify(legacyToken(1)))).toBe('revoked_token')
    await keyward.keys.revoke(report.results[1]!.id!)
    expect(await outcome(keyward.verify(legacyToken(2)))).toBe('revoked_token')
  })
})

describe('legacyTokens', () => {
  it('refuses garbage in the legacy pattern without a store read after the first miss', async () => {
    const { store, calls } = recordingStore(new MemoryTokenStore())
    const { keyward } = setup({ store })
    const garbage = legacyToken(0xdead)
    const reads = () => calls.filter(([method]) => method === 'findByHash').length
    expect(await outcome(keyward.verify(garbage))).toBe('unknown_token')
    expect(reads()).toBe(1)
    for (let i = 0; i < 5; i++) expect(await outcome(keyward.verify(garbage))).toBe('unknown_token')
    expect(reads()).toBe(1)
    // Outside the pattern: malformed, never read.
    expect(await outcome(keyward.verify('sk_not-hex'))).toBe('malformed_token')
    expect(reads()).toBe(1)
  })

  it('never costs a Keyward token a pattern test, and a Keyward typo stays malformed', async () => {
    let tested = 0
    const pattern = /^sk_[0-9a-f]{40}$/
    const counting = Object.assign(pattern, {
      test: (text: string) => {
        tested++
        return RegExp.prototype.test.call(pattern, text)
      },
    })
    const { keyward } = setup({ legacyTokens: counting })
    tested = 0
    const { token } = await keyward.keys.create(record({}) as never)
    expect(await outcome(keyward.verify(token))).toBe('ok')
    const typo = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`
    expect(await outcome(keyward.verify(typo))).toBe('malformed_token')
    expect(tested).toBe(0)
  })

  it('refuses a pattern that is no RegExp, is stateful, or also matches Keyward tokens', () => {
    const build = (legacyTokens: unknown) =>
      createKeyward({ prefix: 'kw_live', legacyTokens: legacyTokens as RegExp })
    expect(() => build('^sk_')).toThrow(/legacyTokens must be a RegExp/)
    expect(() => build(/^sk_[0-9a-f]{40}$/g)).toThrow(/without the g or y flag/)
    expect(() => build(/^[A-Za-z0-9_]+$/)).toThrow(/must not match Keyward tokens/)
    expect(() => build(/^sk_[0-9a-f]{40}$/)).not.toThrow()
  })

  it('never issues a legacy token: create and rotate give Keyward tokens', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create(record({}) as never)
    expect(LEGACY.test(token)).toBe(false)
    expect((await keyward.keys.rotate(key.id)).token.startsWith('kw_live_')).toBe(true)
  })
})
