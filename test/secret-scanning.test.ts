import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createKeyward,
  generateToken,
  githubPublicKeys,
  type KeyEvent,
  type Keyward,
} from '@keyward/core'
import { secretScanning as expressSecretScanning } from '@keyward/express'
import { secretScanning as honoSecretScanning } from '@keyward/hono'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import express from 'express'
import { Hono } from 'hono'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KeywardProcess, startKeywardProcess } from './support/keyward-process.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'
import { serveFetch } from './support/serve-fetch.js'

// GitHub's secret-scanning reports, sent over real HTTP to both adapters, signed with a local
// P-256 pair standing in for GitHub's; the public key list is served by a loopback server the
// way api.github.com serves it. A second Keyward instance, in its own process, shares Redis
// and must refuse a reported key at once.

const KEY_ID = 'f9525bf080f75b3506ca1ead061add62b8633a346606dc5fe544e29231c6ee0d'
const github = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const impostor = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const signWith = (key: typeof github, body: string) =>
  sign('sha256', Buffer.from(body), { key: key.privateKey, dsaEncoding: 'der' }).toString('base64')
const sha256Hex = (token: string) => createHash('sha256').update(token).digest('hex')

let redis: Redis
let namespace: string
let keyward: Keyward
let other: KeywardProcess
let keyList: Server
let keyListUrl: string
let keyListFetches = 0
const events: KeyEvent[] = []

beforeAll(async () => {
  redis = await connectRedis()
  namespace = testNamespace('secret-scanning')
  keyward = createKeyward({
    prefix: 'kw_test',
    store: new RedisTokenStore(redis, { namespace }),
    revocations: new RedisRevocationList(redis, { namespace }),
    onEvent: (event) => void events.push(event),
  })
  await keyward.ready()
  other = await startKeywardProcess({ redisUrl: REDIS_URL, namespace })
  const pem = github.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  keyList = createServer((_req, res) => {
    keyListFetches++
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: pem, is_current: true }] }),
    )
  })
  await new Promise<void>((resolve) => keyList.listen(0, '127.0.0.1', resolve))
  keyListUrl = `http://127.0.0.1:${(keyList.address() as AddressInfo).port}/meta/public_keys/secret_scanning`
})

afterAll(async () => {
  await other?.stop()
  await keyward?.close()
  await new Promise((resolve) => keyList?.close(resolve))
  if (redis) {
    await deleteNamespace(redis, namespace)
    await redis.quit()
  }
})

type Serve = () => Promise<{ url: string; close: () => Promise<void> }>

const adapters: [string, Serve][] = [
  [
    'Express',
    async () => {
      const app = express()
      app.post(
        '/github/secret-scanning',
        expressSecretScanning(keyward, { publicKeys: githubPublicKeys({ url: keyListUrl }) }),
      )
      app.use(express.json()) // a parser after the endpoint does not disturb it
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s))
      })
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      }
    },
  ],
  [
    'Hono',
    () => {
      const app = new Hono().post(
        '/github/secret-scanning',
        honoSecretScanning(keyward, { publicKeys: githubPublicKeys({ url: keyListUrl }) }),
      )
      return serveFetch(app.fetch)
    },
  ],
]

describe.each(adapters)('GitHub secret scanning over HTTP (%s)', (_name, serve) => {
  let server: Awaited<ReturnType<Serve>>
  beforeAll(async () => {
    server = await serve()
  })
  afterAll(() => server?.close())

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/github/secret-scanning`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })
  const report = (matches: unknown[], key = github) => {
    const body = JSON.stringify(matches)
    return post(body, {
      'Github-Public-Key-Identifier': KEY_ID,
      'Github-Public-Key-Signature': signWith(key, body),
    })
  }

  it('revokes a reported key at once on every instance and labels it a true positive', async () => {
    const { token, key } = await other.create({ ownerId: 'org_leak', scopes: [] })
    expect((await other.verify(token)).ok).toBe(true) // cached on the other instance
    const unknown = generateToken('kw_test')
    const url = 'https://github.com/octo/app/blob/0123abc/.env'

    const response = await report([
      { token, type: 'keyward_test_key', url, source: 'content' },
      { token: unknown, type: 'keyward_test_key', url, source: 'content' },
    ])
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual([
      { token_hash: sha256Hex(token), token_type: 'keyward_test_key', label: 'true_positive' },
      { token_hash: sha256Hex(unknown), token_type: 'keyward_test_key', label: 'false_positive' },
    ])

    // The very next verification on the other process fails: no waiting for a cache to age.
    const after = await other.verify(token)
    expect(after.ok).toBe(false)
    expect(!after.ok && after.error.code).toBe('revoked_token')
    expect(events.filter((e) => e.type === 'leaked').at(-1)).toMatchObject({
      keyId: key.id,
      ownerId: 'org_leak',
      revoked: true,
      url,
      source: 'content',
      reporter: 'github',
    })
  })

  it('answers 401 to a report signed with another key, and revokes nothing', async () => {
    const { token } = await other.create({ ownerId: 'org_safe', scopes: [] })
    const response = await report([{ token, type: 'keyward_test_key' }], impostor)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const problem = (await response.json()) as { code: string }
    expect(problem.code).toBe('invalid_signature')
    expect(JSON.stringify(problem)).not.toContain(token)
    expect((await other.verify(token)).ok).toBe(true)

    const unsigned = await post(JSON.stringify([{ token, type: 'keyward_test_key' }]), {})
    expect(unsigned.status).toBe(401)
    expect((await other.verify(token)).ok).toBe(true)
  })

  it('fetched the configured key list once for all of the above', () => {
    expect(keyListFetches).toBeGreaterThanOrEqual(1)
    expect(keyListFetches).toBeLessThanOrEqual(2) // one per adapter's source
  })
})

describe('GitHub secret scanning over HTTP while GitHub’s key list has never loaded (Hono)', () => {
  let downList: Server
  let downFetches = 0
  let server: Awaited<ReturnType<Serve>>
  beforeAll(async () => {
    // GitHub's key list, down since before the endpoint started.
    downList = createServer((_req, res) => {
      downFetches++
      res.statusCode = 503
      res.end()
    })
    await new Promise<void>((resolve) => downList.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(downList.address() as AddressInfo).port}/meta/public_keys/secret_scanning`
    // A stopped clock: all reports fall within one minRefreshInterval however slow the machine.
    const publicKeys = githubPublicKeys({ url, now: () => 1_700_000_000_000 })
    server = await serveFetch(
      new Hono().post('/github/secret-scanning', honoSecretScanning(keyward, { publicKeys })).fetch,
    )
  })
  afterAll(async () => {
    await server?.close()
    await new Promise((resolve) => downList?.close(resolve))
  })

  it('answers 50 forged reports 503 and asks GitHub for the list once, not once per report', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 50; i++) {
      const body = JSON.stringify([{ token: generateToken('kw_test'), type: 'keyward_test_key' }])
      const response = await fetch(`${server.url}/github/secret-scanning`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'Github-Public-Key-Identifier': KEY_ID,
          'Github-Public-Key-Signature': signWith(impostor, body),
        },
        body,
      })
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    expect(statuses).toEqual(Array(50).fill(503))
    expect(downFetches).toBe(1)
  })
})
