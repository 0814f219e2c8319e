import { createKeyward } from '@keyward/core'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeyAuth, apiKeyRoutes, oauthRoutes } from './index.js'

// Where apiKeyAuth takes the client address from on each runtime (the shape of `c.env` each
// one passes), its `clientIp` and `trustProxy` options, and their checks when built. Real
// servers and runtimes are in the root test/client-address.test.ts and edge-runtimes.test.ts.

const keyward = createKeyward()
let documentation: string
let anywhere: string

beforeAll(async () => {
  const make = async (allowedIps?: string[]) =>
    (
      await keyward.keys.create({
        name: 'k',
        ownerId: 'org_1',
        scopes: ['projects:read'],
        expiresIn: '1d',
        ...(allowedIps === undefined ? {} : { allowedIps }),
      })
    ).token
  documentation = await make(['203.0.113.0/24'])
  anywhere = await make()
})
afterAll(() => keyward.close())

function appWith(options: Parameters<typeof apiKeyAuth>[1] = {}) {
  return new Hono().get('/v1/whoami', apiKeyAuth(keyward, options), (c) =>
    c.json({ id: c.var.apiKey.id }),
  )
}

/** The status of `GET /v1/whoami` with `token`, `headers` and the runtime's `env`. */
async function status(
  app: Hono,
  token: string,
  env?: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  const request = new Request('http://localhost/v1/whoami', {
    headers: { authorization: `Bearer ${token}`, ...headers },
  })
  return (await app.fetch(request, env)).status
}

describe('the client address on each runtime', () => {
  const app = appWith()

  it('is unknown without a runtime that tells it: a key with allowedIps is refused', async () => {
    expect(await status(app, documentation)).toBe(403)
    expect(await status(app, documentation, undefined, { 'cf-connecting-ip': '203.0.113.7' })).toBe(
      403,
    )
    expect(await status(app, anywhere)).toBe(200)
  })

  it("is the socket's peer on @hono/node-server", async () => {
    const node = (remoteAddress: string) => ({
      incoming: {
        headers: {},
        rawHeaders: ['Authorization', `Bearer ${documentation}`],
        socket: { remoteAddress },
      },
    })
    expect(await status(app, documentation, node('203.0.113.7'))).toBe(200)
    expect(await status(app, documentation, node('::ffff:203.0.113.7'))).toBe(200)
    expect(await status(app, documentation, node('198.51.100.1'))).toBe(403)
  })

  it("is server.requestIP on Bun, and Deno's info.remoteAddr", async () => {
    const bun = (address: string) => ({ requestIP: () => ({ address, family: 'IPv4', port: 1 }) })
    expect(await status(app, documentation, bun('203.0.113.7'))).toBe(200)
    expect(await status(app, documentation, { server: bun('203.0.113.7') })).toBe(200)
    expect(await status(app, documentation, bun('198.51.100.1'))).toBe(403)
    const deno = (hostname: string) => ({ remoteAddr: { transport: 'tcp', hostname, port: 1 } })
    expect(await status(app, documentation, deno('203.0.113.7'))).toBe(200)
    expect(await status(app, documentation, deno('198.51.100.1'))).toBe(403)
  })

  it('ignores forwarded headers without trustProxy', async () => {
    const deno = { remoteAddr: { transport: 'tcp', hostname: '127.0.0.1', port: 1 } }
    const spoofed = { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.7' }
    expect(await status(app, documentation, deno, spoofed)).toBe(403)
  })
})

describe('the clientIp and trustProxy options', () => {
  it('takes the peer from clientIp where Keyward does not know the platform', async () => {
    const app = appWith({ clientIp: (c) => c.req.header('x-platform-client-ip') })
    const from = (address: string) => ({ 'x-platform-client-ip': address })
    expect(await status(app, documentation, undefined, from('203.0.113.7'))).toBe(200)
    expect(await status(app, documentation, undefined, from('198.51.100.1'))).toBe(403)
    expect(await status(app, documentation, undefined, from('not an address'))).toBe(403)
  })

  it('reads forwarded headers on top of that peer only when it is trusted', async () => {
    const app = appWith({ clientIp: () => '10.0.0.5', trustProxy: '10.0.0.0/8' })
    expect(await status(app, documentation, undefined, { 'x-forwarded-for': '203.0.113.7' })).toBe(
      200,
    )
    expect(await status(app, documentation, undefined, { forwarded: 'for=203.0.113.7' })).toBe(200)
    const untrusted = appWith({ clientIp: () => '192.0.2.1', trustProxy: '10.0.0.0/8' })
    expect(
      await status(untrusted, documentation, undefined, { 'x-forwarded-for': '203.0.113.7' }),
    ).toBe(403)
  })

  it('are checked when the middleware and the routes are built', () => {
    for (const build of [
      (options: object) => apiKeyAuth(keyward, options),
      (options: object) => apiKeyRoutes(keyward, options),
      (options: object) => oauthRoutes(keyward, { issuer: 'https://api.example.test', ...options }),
    ]) {
      expect(() => build({ trustProxy: 'nowhere' })).toThrow(/^trustProxy must be/)
      expect(() => build({ trustProxy: ['10.0.0.0/33'] })).toThrow(TypeError)
      expect(() => build({ trustProxy: -1 })).toThrow(/^trustProxy must be/)
      expect(() => build({ clientIp: 'x-real-ip' })).toThrow(/^clientIp must be a function/)
      expect(() =>
        build({ trustProxy: 'loopback, 10.0.0.0/8', clientIp: () => undefined }),
      ).not.toThrow()
    }
  })
})
