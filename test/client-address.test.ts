import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { serve } from '@hono/node-server'
import { createKeyward, type Keyward } from '@keyward/core'
import { apiKeysRouter, apiKeyAuth as expressAuth, oauthRouter } from '@keyward/express'
import {
  apiKeyAuth as fastifyAuth,
  apiKeysRouter as fastifyManagement,
  oauthRouter as fastifyOAuth,
} from '@keyward/fastify'
import { apiKeyRoutes, apiKeyAuth as honoAuth, oauthRoutes } from '@keyward/hono'
import { createAccessTokens, generateSigningKey } from '@keyward/jwt'
import express from 'express'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The client address a key's `allowedIps` are checked against, over real HTTP on loopback
// through every adapter: the socket's peer by default (a spoofed X-Forwarded-For changes
// nothing), forwarded headers only through trusted proxies (Express: its own `trust proxy`;
// Hono: `trustProxy`; Fastify: its own `trustProxy` server option), IPv6 peers, and
// IPv4-mapped peers matched as IPv4.

type Trust = string | number | undefined

/** A running app and how to reach it. */
interface Running {
  url: string
  close: () => Promise<void>
}

/** Where the server listens, and the URL host that reaches it from here. */
const HOSTS = {
  ipv4: { listen: '127.0.0.1', url: '127.0.0.1' },
  ipv6: { listen: '::1', url: '[::1]' },
  // An IPv6 socket bound to an IPv4-mapped address: IPv4 clients appear as ::ffff:127.0.0.1.
  mapped: { listen: '::ffff:127.0.0.1', url: '127.0.0.1' },
} as const

type Host = keyof typeof HOSTS

function closing(server: Server): () => Promise<void> {
  return () =>
    new Promise((done, fail) => {
      server.close((error) => (error ? fail(error) : done()))
      server.closeAllConnections()
    })
}

const MANAGE = 'api_keys:manage'

/** What this file uses of a Fastify app (`fastify` is `@keyward/fastify`'s dependency). */
interface FastifyApp {
  register(plugin: unknown, options?: { prefix: string }): void
  get(
    path: string,
    options: { onRequest: unknown },
    handler: (request: { apiKey?: { id: string } }) => Promise<unknown>,
  ): void
  listen(options: { port: number; host: string }): Promise<string>
  server: Server
  close(): Promise<void>
}
type FastifyFactory = (options: {
  forceCloseConnections: boolean
  trustProxy?: string | ((address: string, hop: number) => boolean) | number
}) => FastifyApp

/** Fastify, loaded from where `@keyward/fastify` resolves it (not a dependency of this workspace). */
async function loadFastify(): Promise<FastifyFactory> {
  const from = fileURLToPath(new URL('../packages/fastify/package.json', import.meta.url))
  const url = pathToFileURL(createRequire(from).resolve('fastify')).href
  return ((await import(url)) as { default: FastifyFactory }).default
}

/**
 * Fastify's `trustProxy` for `trust`: a hop count as a function counting hops from the
 * socket, since Fastify 5 takes a bare number as "trust no proxy" (as examples/fastify-api
 * does with `TRUST_PROXY`).
 */
function fastifyTrust(
  trust: string | number,
): string | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

interface Setup {
  keyward: Keyward<string>
  accessTokens: ReturnType<typeof createAccessTokens>
}

/** Each adapter's app: `/v1/whoami` behind `apiKeyAuth`, `/api-keys`, OAuth introspection. */
const ADAPTERS = {
  express: {
    readsForwarded: false,
    start({ keyward, accessTokens }: Setup, trust: Trust, host: Host): Promise<Running> {
      const app = express()
      if (trust !== undefined) app.set('trust proxy', trust)
      app.use(oauthRouter(keyward, { accessTokens, introspectionScope: MANAGE }))
      app.use('/api-keys', apiKeysRouter(keyward, { manageScope: MANAGE, accessTokens }))
      app.get('/v1/whoami', expressAuth(keyward), (req, res) => {
        res.json({ id: req.apiKey?.id })
      })
      return new Promise((resolve, reject) => {
        const server = app.listen(0, HOSTS[host].listen, (error?: Error) => {
          if (error) return reject(error)
          const { port } = server.address() as AddressInfo
          resolve({ url: `http://${HOSTS[host].url}:${port}`, close: closing(server) })
        })
      })
    },
  },
  hono: {
    readsForwarded: true,
    start({ keyward, accessTokens }: Setup, trust: Trust, host: Host): Promise<Running> {
      const options = trust === undefined ? {} : { trustProxy: trust }
      const app = new Hono()
      app.route('/', oauthRoutes(keyward, { accessTokens, introspectionScope: MANAGE, ...options }))
      app.route(
        '/api-keys',
        apiKeyRoutes(keyward, { manageScope: MANAGE, accessTokens, ...options }),
      )
      app.get('/v1/whoami', honoAuth(keyward, options), (c) => c.json({ id: c.var.apiKey.id }))
      return new Promise((resolve) => {
        const server = serve(
          { fetch: app.fetch, port: 0, hostname: HOSTS[host].listen },
          (info) => {
            resolve({
              url: `http://${HOSTS[host].url}:${info.port}`,
              close: closing(server as Server),
            })
          },
        )
      })
    },
  },
  fastify: {
    readsForwarded: false,
    async start({ keyward, accessTokens }: Setup, trust: Trust, host: Host): Promise<Running> {
      const Fastify = await loadFastify()
      const app = Fastify({
        forceCloseConnections: true,
        ...(trust !== undefined && { trustProxy: fastifyTrust(trust) }),
      })
      app.register(fastifyOAuth(keyward, { accessTokens, introspectionScope: MANAGE }))
      app.register(fastifyManagement(keyward, { manageScope: MANAGE, accessTokens }), {
        prefix: '/api-keys',
      })
      app.get('/v1/whoami', { onRequest: fastifyAuth(keyward) }, async (request) => ({
        id: request.apiKey?.id,
      }))
      await app.listen({ port: 0, host: HOSTS[host].listen })
      const { port } = app.server.address() as AddressInfo
      return { url: `http://${HOSTS[host].url}:${port}`, close: () => app.close() }
    },
  },
} as const

let setup: Setup
/** Tokens of keys by the networks they may be used from. */
let tokens: Record<
  'documentation' | 'relay' | 'loopback4' | 'loopback6' | 'documentation6' | 'anywhere',
  string
>
let manager: string

beforeAll(async () => {
  const accessTokens = createAccessTokens({
    issuer: 'https://api.example.test',
    audience: 'urn:keyward:client-address',
    signingKeys: [await generateSigningKey()],
  })
  const keyward = createKeyward({ tokenKinds: [accessTokens] })
  setup = { keyward, accessTokens }
  const make = async (allowedIps: string[] | undefined, scopes = ['projects:read']) =>
    (
      await keyward.keys.create({
        name: `from ${allowedIps?.join(' ') ?? 'anywhere'}`,
        ownerId: 'org_1',
        scopes,
        expiresIn: '1d',
        ...(allowedIps === undefined ? {} : { allowedIps }),
      })
    ).token
  tokens = {
    documentation: await make(['203.0.113.0/24']),
    relay: await make(['198.51.100.0/24']),
    loopback4: await make(['127.0.0.0/8']),
    loopback6: await make(['::1']),
    documentation6: await make(['2001:db8::/32']),
    anywhere: await make(undefined),
  }
  manager = await make(['203.0.113.0/24'], [MANAGE, 'projects:read'])
})

afterAll(async () => {
  await setup?.keyward.close()
})

/** `GET /v1/whoami` with a token and extra headers: the status and the problem's code. */
async function whoami(
  app: Running,
  token: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; code?: string; challenge: string | null }> {
  const response = await fetch(`${app.url}/v1/whoami`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  })
  const body = (await response.json()) as { code?: string }
  return {
    status: response.status,
    ...(body.code === undefined ? {} : { code: body.code }),
    challenge: response.headers.get('www-authenticate'),
  }
}

const REFUSED = { status: 403, code: 'ip_not_allowed', challenge: null }
const ADMITTED = { status: 200, challenge: null }

async function withApp(
  adapter: keyof typeof ADAPTERS,
  trust: Trust,
  host: Host,
  run: (app: Running) => Promise<void>,
): Promise<void> {
  const app = await ADAPTERS[adapter].start(setup, trust, host)
  try {
    await run(app)
  } finally {
    await app.close()
  }
}

describe.each(Object.keys(ADAPTERS) as (keyof typeof ADAPTERS)[])('on %s', (adapter) => {
  it('ignores a spoofed X-Forwarded-For or Forwarded without trust: 403 ip_not_allowed', async () => {
    await withApp(adapter, undefined, 'ipv4', async (app) => {
      for (const spoofed of [
        { 'x-forwarded-for': '203.0.113.7' },
        { forwarded: 'for=203.0.113.7' },
        { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.7' },
      ]) {
        expect(await whoami(app, tokens.documentation, spoofed)).toEqual(REFUSED)
        expect(await whoami(app, tokens.loopback4, spoofed)).toEqual(ADMITTED)
      }
      expect(await whoami(app, tokens.documentation)).toEqual(REFUSED)
      expect(await whoami(app, tokens.anywhere)).toEqual(ADMITTED)
    })
  })

  it('believes X-Forwarded-For through trusted proxies only: the first untrusted hop decides', async () => {
    await withApp(adapter, 'loopback', 'ipv4', async (app) => {
      const via = (chain: string) => ({ 'x-forwarded-for': chain })
      expect(await whoami(app, tokens.documentation, via('203.0.113.7'))).toEqual(ADMITTED)
      // The client is now 203.0.113.7, not the loopback proxy.
      expect(await whoami(app, tokens.loopback4, via('203.0.113.7'))).toEqual(REFUSED)
      // An untrusted hop between the client and the proxy: that hop is the client.
      const chain = via('203.0.113.7, 198.51.100.1')
      expect(await whoami(app, tokens.documentation, chain)).toEqual(REFUSED)
      expect(await whoami(app, tokens.relay, chain)).toEqual(ADMITTED)
      // Trusted hops all the way: the leftmost address is the client.
      expect(await whoami(app, tokens.documentation, via('203.0.113.7, 127.0.0.9'))).toEqual(
        ADMITTED,
      )
      // No header behind a trusted proxy: the proxy itself.
      expect(await whoami(app, tokens.loopback4)).toEqual(ADMITTED)
      // An entry that is not an address is no address: refused, never matched.
      expect(await whoami(app, tokens.documentation, via('not-an-address'))).toEqual(REFUSED)
    })
  })

  it('counts hops with a hop count', async () => {
    await withApp(adapter, 2, 'ipv4', async (app) => {
      const chain = { 'x-forwarded-for': '192.0.2.1, 203.0.113.7, 198.51.100.1' }
      expect(await whoami(app, tokens.documentation, chain)).toEqual(ADMITTED)
      expect(await whoami(app, tokens.relay, chain)).toEqual(REFUSED)
    })
  })

  it('reads RFC 7239 Forwarded where the adapter does (Hono), not on Express or Fastify', async () => {
    const { readsForwarded } = ADAPTERS[adapter]
    await withApp(adapter, 'loopback', 'ipv4', async (app) => {
      const forwarded = (value: string) => ({ forwarded: value })
      expect(await whoami(app, tokens.documentation, forwarded('for=203.0.113.7'))).toEqual(
        readsForwarded ? ADMITTED : REFUSED,
      )
      expect(
        await whoami(
          app,
          tokens.documentation6,
          forwarded('for="[2001:db8:cafe::17]:4711";proto=https'),
        ),
      ).toEqual(readsForwarded ? ADMITTED : REFUSED)
      // An obfuscated identifier names no address: refused where Forwarded is read.
      expect(await whoami(app, tokens.loopback4, forwarded('for=_hidden'))).toEqual(
        readsForwarded ? REFUSED : ADMITTED,
      )
    })
  })

  it('matches an IPv6 peer against IPv6 rules only', async () => {
    await withApp(adapter, undefined, 'ipv6', async (app) => {
      expect(await whoami(app, tokens.loopback6)).toEqual(ADMITTED)
      expect(await whoami(app, tokens.loopback4)).toEqual(REFUSED)
      expect(await whoami(app, tokens.documentation6)).toEqual(REFUSED)
      expect(await whoami(app, tokens.anywhere)).toEqual(ADMITTED)
    })
  })

  it('matches an IPv4-mapped peer (::ffff:127.0.0.1) against 127.0.0.0/8', async () => {
    await withApp(adapter, undefined, 'mapped', async (app) => {
      expect(await whoami(app, tokens.loopback4)).toEqual(ADMITTED)
      expect(await whoami(app, tokens.loopback6)).toEqual(REFUSED)
    })
  })

  it('holds the management API and the token endpoint to the calling key’s networks', async () => {
    const call = (app: Running, path: string, headers: Record<string, string>, body?: string) =>
      fetch(`${app.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${manager}`, ...headers },
        ...(body === undefined ? {} : { body }),
      })
    const mint = JSON.stringify({ scope: 'projects:read', expiresIn: '5m' })
    const spoofed = { 'x-forwarded-for': '203.0.113.7', 'content-type': 'application/json' }
    await withApp(adapter, undefined, 'ipv4', async (app) => {
      const listed = await call(app, '/api-keys', spoofed)
      expect(listed.status).toBe(403)
      expect(await listed.json()).toMatchObject({ code: 'ip_not_allowed' })
      const minted = await call(app, '/api-keys/token', spoofed, mint)
      expect(minted.status).toBe(403)
      expect(await minted.json()).toMatchObject({ code: 'ip_not_allowed' })
    })
    await withApp(adapter, 'loopback', 'ipv4', async (app) => {
      expect((await call(app, '/api-keys', spoofed)).status).toBe(200)
      const minted = await call(app, '/api-keys/token', spoofed, mint)
      expect(minted.status).toBe(200)
      // The access token is held to its parent key's networks.
      const { access_token } = (await minted.json()) as { access_token: string }
      expect(await whoami(app, access_token, spoofed)).toEqual(ADMITTED)
      expect(await whoami(app, access_token)).toEqual(REFUSED)
    })
  })

  it('holds introspection to the introspecting key’s networks', async () => {
    const introspect = (app: Running, headers: Record<string, string>) =>
      fetch(`${app.url}/oauth/introspect`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${manager}`,
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        body: new URLSearchParams({ token: tokens.anywhere }).toString(),
      })
    const spoofed = { 'x-forwarded-for': '203.0.113.7' }
    await withApp(adapter, undefined, 'ipv4', async (app) => {
      // Refused as the OAuth server refuses a caller it cannot admit (never `active`).
      const refused = await introspect(app, spoofed)
      expect([401, 403]).toContain(refused.status)
      expect(await refused.json()).not.toHaveProperty('active')
    })
    await withApp(adapter, 'loopback', 'ipv4', async (app) => {
      const answered = await introspect(app, spoofed)
      expect(answered.status).toBe(200)
      expect(await answered.json()).toMatchObject({ active: true })
    })
  })
})

describe('on fastify, its own trustProxy decides', () => {
  it('takes a bare number as trusting no proxy (Fastify 5): the peer stays the client', async () => {
    const Fastify = await loadFastify()
    const app = Fastify({ forceCloseConnections: true, trustProxy: 2 })
    app.get('/v1/whoami', { onRequest: fastifyAuth(setup.keyward) }, async (request) => ({
      id: request.apiKey?.id,
    }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    const running = { url: `http://127.0.0.1:${port}`, close: () => app.close() }
    try {
      const chain = { 'x-forwarded-for': '192.0.2.1, 203.0.113.7, 198.51.100.1' }
      expect(await whoami(running, tokens.documentation, chain)).toEqual(REFUSED)
      expect(await whoami(running, tokens.loopback4, chain)).toEqual(ADMITTED)
    } finally {
      await running.close()
    }
  })
})
