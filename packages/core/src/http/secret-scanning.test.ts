import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createKeyward } from '../keyward.js'
import { generateToken } from '../token/token.js'
import type { KeyEvent } from '../types.js'
import { githubPublicKeys } from './github-public-keys.js'
import { createSecretScanningHandler, secretScanningPattern } from './secret-scanning.js'
import type { SecretScanningPublicKey } from './secret-scanning-signature.js'

// A locally generated P-256 pair stands in for GitHub's; signatures are made the way GitHub
// makes them (DER-encoded ECDSA over the raw body) by node:crypto, independently of the code
// under test.
function keyPair(keyIdentifier: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  return {
    publicKey: { keyIdentifier, key: pem } satisfies SecretScanningPublicKey,
    sign: (body: string) =>
      sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
  }
}

const github = keyPair('github-key-1')
const hex = (token: string) => createHash('sha256').update(token).digest('hex')

async function setup() {
  const events: KeyEvent[] = []
  const keyward = createKeyward({ prefix: 'kw_live', onEvent: (event) => void events.push(event) })
  const handler = createSecretScanningHandler(keyward, { publicKeys: [github.publicKey] })
  const issued = await keyward.keys.create({
    name: 'leaky',
    ownerId: 'org_1',
    scopes: [],
    expiresIn: '1d',
  })
  const report = (matches: unknown, signer = github, identifier = 'github-key-1') => {
    const body = JSON.stringify(matches)
    return handler.handle({ body, keyIdentifier: identifier, signature: signer.sign(body) })
  }
  return { keyward, handler, issued, events, report }
}

describe('createSecretScanningHandler', () => {
  it('revokes a reported live key, labels it a true positive and records where it was found', async () => {
    const { keyward, issued, events, report } = await setup()
    const url = 'https://github.com/octo/repo/blob/abc/config.env'
    const response = await report([
      { token: issued.token, type: 'keyward_api_key', url, source: 'content' },
    ])
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.body).toEqual([
      { token_hash: hex(issued.token), token_type: 'keyward_api_key', label: 'true_positive' },
    ])
    await expect(keyward.verify(issued.token)).rejects.toMatchObject({ code: 'revoked_token' })
    expect(events.at(-1)).toMatchObject({
      type: 'leaked',
      keyId: issued.key.id,
      ownerId: 'org_1',
      revoked: true,
      url,
      source: 'content',
      reporter: 'github',
    })
    expect(JSON.stringify(events)).not.toContain(issued.token)
  })

  it('labels unknown and malformed tokens false positives and revokes nothing', async () => {
    const { keyward, issued, events, report } = await setup()
    const unknown = generateToken('kw_live')
    const badChecksum = `${issued.token.slice(0, -1)}${issued.token.endsWith('A') ? 'B' : 'A'}`
    const response = await report([
      { token: unknown, type: 't' },
      { token: badChecksum, type: 't' },
      { token: 'kw_live_short', type: 't' },
    ])
    expect(response.status).toBe(200)
    expect((response.body as { label: string }[]).map((r) => r.label)).toEqual([
      'false_positive',
      'false_positive',
      'false_positive',
    ])
    await expect(keyward.verify(issued.token)).resolves.toMatchObject({ id: issued.key.id })
    expect(events.filter((event) => event.type === 'leaked')).toEqual([])
  })

  it('a key revoked already is still a true positive, reported as not revoked by this report', async () => {
    const { keyward, issued, events, report } = await setup()
    await keyward.keys.revoke(issued.key.id)
    const response = await report([{ token: issued.token, type: 't' }])
    expect(response.body).toEqual([
      { token_hash: hex(issued.token), token_type: 't', label: 'true_positive' },
    ])
    expect(events.at(-1)).toMatchObject({ type: 'leaked', revoked: false })
  })

  it('revokes a key that is still live in its rotation grace period', async () => {
    const { keyward, issued, report } = await setup()
    await keyward.keys.rotate(issued.key.id, { gracePeriod: '1h' })
    await expect(keyward.verify(issued.token)).resolves.toBeDefined()
    await report([{ token: issued.token, type: 't' }])
    await expect(keyward.verify(issued.token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  it('answers 401 and revokes nothing for a bad, missing or foreign signature', async () => {
    const { keyward, handler, issued, report } = await setup()
    const body = JSON.stringify([{ token: issued.token, type: 't' }])
    const other = keyPair('github-key-1')
    const cases = [
      await report([{ token: issued.token, type: 't' }], other),
      await report([{ token: issued.token, type: 't' }], github, 'unknown-key'),
      await handler.handle({ body, keyIdentifier: 'github-key-1', signature: null }),
      await handler.handle({ body, keyIdentifier: undefined, signature: github.sign(body) }),
      await handler.handle({ body, keyIdentifier: 'github-key-1', signature: 'bm90IERFUg==' }),
      // Signed, then changed: the signature covers the exact bytes.
      await handler.handle({
        body: body.replace('"t"', '"u"'),
        keyIdentifier: 'github-key-1',
        signature: github.sign(body),
      }),
    ]
    for (const response of cases) {
      expect(response.status).toBe(401)
      expect(response.body).toMatchObject({ code: 'invalid_signature' })
      expect(JSON.stringify(response.body)).not.toContain(issued.token)
    }
    await expect(keyward.verify(issued.token)).resolves.toBeDefined()
  })

  it('verifies many signatures (DER integers with and without a leading zero byte)', async () => {
    const { handler } = await setup()
    for (let i = 0; i < 24; i++) {
      const body = JSON.stringify([{ token: generateToken('kw_live'), type: `t${i}` }])
      const response = await handler.handle({
        body: new TextEncoder().encode(body),
        keyIdentifier: 'github-key-1',
        signature: github.sign(body),
      })
      expect(response.status).toBe(200)
    }
  })

  it('refuses a signed body that is not a list of matches (422, naming the field)', async () => {
    const { report } = await setup()
    expect(await report({ token: 'x' })).toMatchObject({ status: 422, body: { field: 'body' } })
    expect(await report([{ type: 't' }])).toMatchObject({
      status: 422,
      body: { field: 'body[0].token' },
    })
  })

  it('refuses a body over the limit (413) and misconfiguration at construction', async () => {
    const keyward = createKeyward()
    const handler = createSecretScanningHandler(keyward, {
      publicKeys: [github.publicKey],
      maxBodyBytes: 10,
    })
    const body = JSON.stringify([{ token: 'kw_live_x', type: 't' }])
    expect(
      await handler.handle({ body, keyIdentifier: 'github-key-1', signature: github.sign(body) }),
    ).toMatchObject({ status: 413 })
    expect(() => createSecretScanningHandler(keyward, {} as never)).toThrow(/publicKeys must/)
    expect(() =>
      createSecretScanningHandler(keyward, { publicKeys: [{ keyIdentifier: 'k', key: 'nope' }] }),
    ).toThrow(/publicKeys\[0\] must/)
  })
})

describe('githubPublicKeys', () => {
  const list = (...keys: SecretScanningPublicKey[]) =>
    new Response(
      JSON.stringify({
        public_keys: keys.map((k) => ({ key_identifier: k.keyIdentifier, key: k.key })),
      }),
    )

  it('fetches the configured URL once per cacheTtl and again for an unknown identifier', async () => {
    let clock = 0
    const urls: string[] = []
    let served = [github.publicKey]
    const source = githubPublicKeys({
      url: 'http://127.0.0.1:1/keys',
      fetch: async (url) => {
        urls.push(String(url))
        return list(...served)
      },
      now: () => clock,
    })
    const keyward = createKeyward()
    const handler = createSecretScanningHandler(keyward, { publicKeys: source })
    const send = (signer: ReturnType<typeof keyPair>) => {
      const body = JSON.stringify([{ token: generateToken('kw_live'), type: 't' }])
      return handler.handle({
        body,
        keyIdentifier: signer.publicKey.keyIdentifier,
        signature: signer.sign(body),
      })
    }
    expect((await send(github)).status).toBe(200)
    expect((await send(github)).status).toBe(200)
    expect(urls).toEqual(['http://127.0.0.1:1/keys'])

    // GitHub rotates: a report under a new identifier loads the list again, once a minute at most.
    const next = keyPair('github-key-2')
    clock += 61_000
    served = [github.publicKey, next.publicKey]
    expect((await send(next)).status).toBe(200)
    expect(urls).toHaveLength(2)
    const forged = keyPair('forged')
    expect((await send(forged)).status).toBe(401)
    expect((await send(forged)).status).toBe(401)
    expect(urls).toHaveLength(2)

    clock += 3_600_000
    await send(github)
    expect(urls).toHaveLength(3)
  })

  it('keeps the last list when a fetch fails, and answers 503 when it never had one', async () => {
    let clock = 0
    let fail = true
    const source = githubPublicKeys({
      fetch: async () => (fail ? new Response('no', { status: 502 }) : list(github.publicKey)),
      now: () => clock,
    })
    const handler = createSecretScanningHandler(createKeyward(), { publicKeys: source })
    const body = '[]'
    const request = { body, keyIdentifier: 'github-key-1', signature: github.sign(body) }
    expect(await handler.handle(request)).toMatchObject({
      status: 503,
      body: { code: 'unavailable' },
    })
    fail = false
    clock += 61_000
    expect((await handler.handle(request)).status).toBe(200)
    fail = true
    clock += 7_200_000
    expect((await handler.handle(request)).status).toBe(200)
  })

  it('fetches at most once per minRefreshInterval while the list has never loaded, a failed fetch counting', async () => {
    // GitHub (or the network) is down from the start, and forged reports keep coming: each
    // answers 503, and only the first of them may reach out for the list.
    let clock = 0
    let fetches = 0
    const source = githubPublicKeys({
      fetch: async () => {
        fetches++
        throw new TypeError('fetch failed')
      },
      now: () => clock,
    })
    const handler = createSecretScanningHandler(createKeyward(), { publicKeys: source })
    const forged = keyPair('forged')
    const forge = () => {
      const body = JSON.stringify([{ token: generateToken('kw_live'), type: 't' }])
      return handler.handle({ body, keyIdentifier: 'forged', signature: forged.sign(body) })
    }
    const statuses: number[] = []
    for (let i = 0; i < 50; i++) statuses.push((await forge()).status)
    expect(statuses).toEqual(Array(50).fill(503))
    expect(fetches).toBe(1)

    clock += 59_999
    expect((await forge()).status).toBe(503)
    expect(fetches).toBe(1)
    clock += 1
    expect((await forge()).status).toBe(503)
    expect(fetches).toBe(2)
  })

  it('refuses a non-http URL at construction', () => {
    expect(() => githubPublicKeys({ url: 'file:///etc/keys' })).toThrow(/url must be/)
  })
})

describe('secretScanningPattern', () => {
  it('matches tokens of the prefix in text, and nothing run together with other characters', () => {
    const pattern = new RegExp(secretScanningPattern('kw_live'), 'g')
    const token = generateToken('kw_live')
    const text = `KEY=${token}\n"${generateToken('kw_test')}" x${token}\n${token}z ${token}`
    expect([...text.matchAll(pattern)].map((m) => m[1])).toEqual([token, token])
    expect(secretScanningPattern('kw_live')).toBe(
      '(?:^|[^0-9A-Za-z])(kw_live_[0-9A-Za-z]{32}[0-9A-Za-z]{6})(?:[^0-9A-Za-z]|$)',
    )
    expect(() => secretScanningPattern('Bad-Prefix')).toThrow(TypeError)
  })
})
