import { describe, expect, it, vi } from 'vitest'
import { importRecord, LEGACY, legacyToken, sha256 } from '../../test/import-records.js'
import { clockedKeyward, recordingStore } from '../../test/keyward.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent, KeyRecord, TokenStore } from '../types.js'
import { IMPORT_BATCH_SIZE } from './import.js'

const scopes = defineScopes({ 'projects:read': 'Read projects' })
const hex = (token: string) => sha256(token)
const record = (fields: Record<string, unknown>) => importRecord<'projects:read'>(fields)

function setup(store: TokenStore = new MemoryTokenStore()) {
  const events: KeyEvent[] = []
  const recording = recordingStore(store)
  const revocations = new MemoryRevocationList()
  const { keyward } = clockedKeyward(scopes, {
    store: recording.store,
    revocations,
    legacyTokens: LEGACY,
    singleInstance: true,
    onEvent: (event) => void events.push(event),
  })
  const called = (method: string) => recording.calls.filter(([name]) => name === method)
  return { keyward, events, called, revocations }
}

/** A store without insertMany, over `memory`, whose `insert` is `insert`. */
function oneByOne(
  memory: MemoryTokenStore,
  insert = (r: KeyRecord) => memory.insert(r),
): TokenStore {
  return {
    findByHash: (hash) => memory.findByHash(hash),
    get: (id) => memory.get(id),
    listByOwner: (owner, options) => memory.listByOwner(owner, options),
    insert,
    update: (id, patch, condition) => memory.update(id, patch, condition),
    delete: (id) => memory.delete(id),
    touch: (id, at) => memory.touch(id, at),
  }
}

describe('keys.import, the report and what is stored', () => {
  it('stores the rate limits, credits and allowed IPs a record gives, and no empty IP list', async () => {
    const { keyward } = setup()
    const report = await keyward.keys.import([
      record({
        token: legacyToken(1),
        rateLimits: [{ name: 'default', limit: 10, window: 60 }],
        credits: { remaining: 5 },
        allowedIps: ['203.0.113.0/24'],
      }),
      record({ token: legacyToken(2), allowedIps: [] }),
      record({ token: legacyToken(3) }),
    ])
    const [full, emptyIps, bare] = await Promise.all(
      report.results.map(({ id }) => keyward.keys.get(id!)),
    )
    expect(full).toMatchObject({
      rateLimits: [{ name: 'default', limit: 10, window: 60_000 }],
      credits: { remaining: 5 },
      allowedIps: ['203.0.113.0/24'],
    })
    for (const key of [emptyIps, bare]) {
      expect(key).not.toHaveProperty('allowedIps')
      expect(key).not.toHaveProperty('rateLimits')
      expect(key).not.toHaveProperty('credits')
    }
  })

  it('says what is wrong with a record in its message', async () => {
    const { keyward } = setup()
    const report = await keyward.keys.import(
      [
        record({ token: 42 }),
        record({}),
        record({ hash: 42 }),
        record({ hash: 'abc' }),
        record({ token: 'kw_live_nope' }),
        record({ token: legacyToken(1), ownerId: 'org_2' }),
        // A JSONL line may give a list where a string belongs.
        record({ hash: [hex(legacyToken(2))] }),
      ],
      { ownerId: 'org_1' },
    )
    expect(report.results).toStrictEqual([
      { index: 0, status: 'invalid', field: 'token', message: 'token must be a string.' },
      {
        index: 1,
        status: 'invalid',
        field: 'token',
        message: 'Give the token or its hash, exactly one of them.',
      },
      ...[2, 3].map((index) => ({
        index,
        status: 'invalid',
        field: 'hash',
        message:
          'hash must be a SHA-256 digest as hex (64 characters), base64 or base64url (43 characters).',
      })),
      {
        index: 4,
        status: 'invalid',
        field: 'token',
        message:
          'token is neither a Keyward token of an accepted prefix (with a valid checksum) nor a token matching the legacyTokens pattern.',
      },
      {
        index: 5,
        status: 'invalid',
        field: 'ownerId',
        message: 'ownerId must be your own owner (or left out).',
      },
      {
        index: 6,
        status: 'invalid',
        field: 'hash',
        message:
          'hash must be a SHA-256 digest as hex (64 characters), base64 or base64url (43 characters).',
      },
    ])
    expect(report).toMatchObject({ imported: 0, duplicates: 0, invalid: 7 })
  })

  it('refuses records that are no array and options that are no object, saying so', async () => {
    const { keyward } = setup()
    await expect(keyward.keys.import({} as never)).rejects.toMatchObject({
      field: 'records',
      message: 'records must be an array of key records.',
    })
    await expect(keyward.keys.import([], 'org_1' as never)).rejects.toMatchObject({
      field: 'options',
      message: 'options must be an object.',
    })
  })

  it('with nothing to store, reads no clock and writes nothing', async () => {
    const { keyward, called, revocations } = setup()
    const time = vi.spyOn(revocations, 'time')
    const report = await keyward.keys.import([record({ token: 'garbage' })])
    expect(report.invalid).toBe(1)
    expect(called('insertMany')).toEqual([])
    expect(time).not.toHaveBeenCalled()
  })

  it('stores in batches of 1,000, one insertMany each, never sending a digest twice', async () => {
    const { keyward, called, events } = setup()
    const count = IMPORT_BATCH_SIZE + 1
    const records = Array.from({ length: count }, (_, n) => record({ hash: hex(legacyToken(n)) }))
    // The first record again, in the second batch, and a repeat within the first.
    records.push(record({ hash: hex(legacyToken(0)) }))
    records.splice(1, 0, record({ hash: hex(legacyToken(0)) }))
    const report = await keyward.keys.import(records)
    expect(report).toMatchObject({ imported: count, duplicates: 2, invalid: 0 })
    expect(report.results).toHaveLength(count + 2)
    expect(report.results.map(({ index }) => index)).toStrictEqual([...records.keys()])
    expect(report.results[1]).toStrictEqual({ index: 1, status: 'duplicate' })
    expect(report.results.at(-1)).toStrictEqual({ index: count + 1, status: 'duplicate' })
    const batches = called('insertMany').map(([, sent]) => sent as KeyRecord[])
    expect(batches.map((batch) => batch.length)).toStrictEqual([IMPORT_BATCH_SIZE - 1, 2])
    const hashes = batches.flat().map((sent) => sent.hash)
    expect(new Set(hashes).size).toBe(hashes.length)
    expect(events).toHaveLength(count)
  })

  it('without insertMany: a key another import stored meanwhile is a duplicate, a store failure rejects', async () => {
    const memory = new MemoryTokenStore()
    // Another import stores the same token between this one's read and its insert.
    const store = oneByOne(memory, async (r) => {
      await memory.insert({ ...r, id: 'key_0123456789ABCDEF' })
      await memory.insert(r)
    })
    const racing = setup(store)
    const again = await racing.keyward.keys.import([record({ token: legacyToken(1) })])
    expect(again).toMatchObject({ imported: 0, duplicates: 1 })
    expect(again.results).toStrictEqual([{ index: 0, status: 'duplicate' }])
    expect(racing.events).toEqual([])
    expect(await memory.get('key_0123456789ABCDEF')).toBeDefined()

    const down = oneByOne(new MemoryTokenStore(), () => Promise.reject(new Error('store down')))
    const failing = setup(down)
    await expect(
      failing.keyward.keys.import([record({ token: legacyToken(2) })]),
    ).rejects.toMatchObject({ code: 'unavailable', status: 503 })
    expect(failing.events).toEqual([])
  })
})
