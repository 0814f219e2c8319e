import { describe, expect, it } from 'vitest'
import { clockedKeyward } from '../test/keyward.js'
import { outcome, projectKey } from '../test/outcome.js'
import { MemoryRevocationList } from './backends/memory-revocation-list.js'
import { MemoryTokenStore } from './backends/memory-token-store.js'
import type { KeywardError } from './errors.js'
import { createKeyward } from './keyward.js'
import type { KeywardOptions } from './keyward-options.js'
import { defineScopes } from './scopes.js'
import type { ListKeysOptions } from './types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

const setup = (options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) =>
  clockedKeyward(scopes, options)
const code = outcome
const input = projectKey

describe('token options: prefixes and pepper', () => {
  it('accepts several prefixes and issues with the configured one', async () => {
    const { keyward } = setup({ prefix: 'kw_test', prefixes: ['kw_live', 'kw_test'] })
    const { token } = await keyward.keys.create(input)
    expect(token.startsWith('kw_test_')).toBe(true)
    const liveOnly = setup({ store: keyward.store as MemoryTokenStore }).keyward
    expect(await code(liveOnly.verify(token))).toBe('malformed_token')
  })

  it('with a pepper stores HMAC hashes, and another pepper cannot verify', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = setup({ store, pepper: 'pepper-one-0123456789' })
    const { token } = await keyward.keys.create(input)
    expect(await code(keyward.verify(token))).toBe('ok')
    expect(await code(setup({ store }).keyward.verify(token))).toBe('unknown_token')
    expect(
      await code(setup({ store, pepper: 'pepper-two-0123456789' }).keyward.verify(token)),
    ).toBe('unknown_token')
  })
})

describe('configuration fails when built', () => {
  it.each([
    [{ prefix: 'KW' }, /^prefix must match/],
    [{ prefixes: [] }, /^prefixes must be/],
    [{ prefixes: ['kw_live', 'Bad'] }, /^prefixes\[1\] must match/],
    [{ prefix: 'kw_a', prefixes: ['kw_b'] }, /^prefix must be one of prefixes/],
    [{ maxLifetime: 'forever' }, /^maxLifetime must be/],
    [
      { maxLifetime: '30d', defaultExpiresIn: '31d' },
      /^defaultExpiresIn must not exceed maxLifetime/,
    ],
    [{ maxGracePeriod: -1 }, /^maxGracePeriod must be/],
    [{ pepper: 'short' }, /^pepper must be/],
    [{ realm: 'a"b' }, /^realm must be/],
    [{ cache: { max: -1 } }, /^cache.max must be/],
    [{ cache: { ttl: 1.5 } }, /^cache.ttl must be/],
    [{ usage: { flushInterval: 0 } }, /^usage.flushInterval must be/],
    [{ usage: { addresses: 'some' } }, /^usage.addresses must be/],
    [{ usage: { retention: { minutes: '0s' } } }, /^usage.retention.minutes must be/],
    [{ usage: { backend: {} } }, /^usage.backend must implement/],
    [{ store: {} }, /^store must implement/],
    [{ revocations: { isRevoked() {} } }, /^revocations must implement/],
    [{ scopes: {} }, /^scopes must be a catalog/],
    [{ now: 5 }, /^now must be a function/],
    [{ tokenKinds: [{}] }, /^tokenKinds\[0\] must implement/],
  ])('%o', (options, message) => {
    expect(() => createKeyward(options as never)).toThrowError(message)
    expect(() => createKeyward(options as never)).toThrowError(TypeError)
  })

  it('rejects an undeclared required scope on first use', async () => {
    const { keyward } = setup()
    await expect(keyward.verify('x', { scopes: ['projects:delete' as never] })).rejects.toThrow(
      TypeError,
    )
  })

  it('uses the configured realm in every challenge', async () => {
    const { keyward } = setup({ realm: 'acme-api' })
    const error = (await keyward.verify('garbage').catch((e: unknown) => e)) as KeywardError
    expect(error.wwwAuthenticate).toMatch(/^Bearer realm="acme-api", error="invalid_token"/)
  })
})

describe('a shared store needs a shared revocation list', () => {
  /** A store that is not the in-process one, as a Redis or PostgreSQL store would be. */
  const sharedStore = () => {
    const memory = new MemoryTokenStore()
    return {
      findByHash: (hash: string) => memory.findByHash(hash),
      get: (id: string) => memory.get(id),
      listByOwner: (ownerId: string, options?: ListKeysOptions) =>
        memory.listByOwner(ownerId, options),
      insert: (record: Parameters<MemoryTokenStore['insert']>[0]) => memory.insert(record),
      update: (...args: Parameters<MemoryTokenStore['update']>) => memory.update(...args),
      delete: (id: string) => memory.delete(id),
      touch: (id: string, at: number) => memory.touch(id, at),
    }
  }

  it('refuses it with the in-process list, default or given, saying what to pass', () => {
    for (const options of [
      { store: sharedStore() },
      { store: sharedStore(), revocations: new MemoryRevocationList() },
      { store: sharedStore(), singleInstance: false },
    ]) {
      expect(() => createKeyward(options)).toThrowError(TypeError)
      expect(() => createKeyward(options)).toThrowError(
        /^revocations must be a revocation list every instance shares .*singleInstance: true/,
      )
    }
  })

  it('accepts it when told there is one instance, and keeps the memory pair silent', async () => {
    const single = createKeyward({ store: sharedStore(), singleInstance: true })
    const { token, key } = await single.keys.create(input)
    await single.keys.revoke(key.id)
    await expect(single.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    expect(() => createKeyward({})).not.toThrow()
    expect(() => createKeyward({ store: new MemoryTokenStore() })).not.toThrow()
    expect(() => createKeyward({ singleInstance: 'yes' as never })).toThrowError(
      /^singleInstance must be a boolean/,
    )
  })
})

describe('close', () => {
  it('leaves a limiter it was given open: the limiter is its owner’s, shared or still counting', async () => {
    let closed = 0
    const limiter = {
      consume: () => ({ allowed: true }) as never,
      refund: () => {},
      close: async () => {
        closed++
      },
    }
    await createKeyward({ limiter }).close()
    expect(closed).toBe(0)
  })
})
