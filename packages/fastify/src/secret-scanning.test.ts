import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { createKeyward, generateToken } from '@keyward/core'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { secretScanning } from './index.js'

// GitHub's reports signed with a local P-256 pair standing in for GitHub's; the cross-process
// revocation is test/secret-scanning.test.ts's. Here: what is Fastify's own, the raw body read
// under the app's JSON parser, the limit, and the answer as it goes out.

const KEY_ID = 'f9525bf080f75b3506ca1ead061add62b8633a346606dc5fe544e29231c6ee0d'
const github = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const impostor = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const publicKeys = [
  {
    keyIdentifier: KEY_ID,
    key: github.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  },
]
const signWith = (key: typeof github, body: string) =>
  sign('sha256', Buffer.from(body), { key: key.privateKey, dsaEncoding: 'der' }).toString('base64')

const opened: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()))
})

async function served() {
  const keyward = createKeyward({ prefix: 'kw_test' })
  const app = Fastify()
  opened.push(app, keyward)
  app.register(secretScanning(keyward, { publicKeys, maxBodyBytes: 2048 }), {
    prefix: '/github/secret-scanning',
  })
  // The app's own JSON routes keep Fastify's parser.
  app.post('/echo', async (request) => request.body)
  const report = (body: string, key = github) =>
    app.inject({
      method: 'POST',
      url: '/github/secret-scanning',
      headers: {
        'content-type': 'application/json',
        'github-public-key-identifier': KEY_ID,
        'github-public-key-signature': signWith(key, body),
      },
      payload: body,
    })
  return { keyward, app, report }
}

describe('secretScanning as a Fastify plugin', () => {
  it('revokes a reported key, labels the report, and leaves the app’s parsers alone', async () => {
    const { keyward, app, report } = await served()
    const { token } = await keyward.keys.create({
      name: 'leak',
      ownerId: 'o',
      scopes: [],
      expiresIn: '1d',
    })
    const unknown = generateToken('kw_test')
    // Spaces kept as sent: the signature covers these exact bytes.
    const body = JSON.stringify(
      [
        { token, type: 'keyward_test_key' },
        { token: unknown, type: 'keyward_test_key' },
      ],
      null,
      1,
    )
    const answer = await report(body)
    expect(answer.statusCode).toBe(200)
    expect(answer.headers['content-type']).toMatch(/^application\/json/)
    const hash = (value: string) => createHash('sha256').update(value).digest('hex')
    expect(answer.json()).toEqual([
      { token_hash: hash(token), token_type: 'keyward_test_key', label: 'true_positive' },
      { token_hash: hash(unknown), token_type: 'keyward_test_key', label: 'false_positive' },
    ])
    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    const echoed = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } })
    expect(echoed.json()).toEqual({ a: 1 })
  })

  it('answers 401 problem+json to a report signed with another key, 413 past maxBodyBytes', async () => {
    const { keyward, report } = await served()
    const { token } = await keyward.keys.create({
      name: 'safe',
      ownerId: 'o',
      scopes: [],
      expiresIn: '1d',
    })
    const forged = await report(JSON.stringify([{ token, type: 'keyward_test_key' }]), impostor)
    expect(forged.statusCode).toBe(401)
    expect(forged.headers['content-type']).toBe('application/problem+json')
    expect(forged.json()).toMatchObject({ code: 'invalid_signature' })
    expect(forged.body).not.toContain(token)
    expect((await keyward.verify(token)).id).toBeTypeOf('string')

    const large = await report(JSON.stringify([{ token, type: 'x'.repeat(3000) }]))
    expect(large.statusCode).toBe(413)
    expect((await keyward.verify(token)).id).toBeTypeOf('string')
  })
})
