import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKeyward } from '@keyward/core'
import { createAccessTokens, generateSigningKey } from '@keyward/jwt'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bindings, inProcess, inWorkerd } from './support/edge-runtimes.js'
import { waitFor } from './support/processes.js'

// The Hono README's example and examples/edge-jwt in the real runtimes they are written for:
// workerd (Cloudflare Workers, through miniflare), Deno and Bun, each binary installed from the
// npm registry as a dev dependency (`miniflare` brings `workerd`; `deno` and `bun` ship theirs
// in per-platform packages, run here directly: no install script, no other download). Each app
// is bundled once with esbuild from the workspace sources and answers over real HTTP (workerd
// behind miniflare's loopback socket): 200 for a token with the scope, 401 without or with a
// bad one, 403 for a token without the scope.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const source = (path: string) => join(ROOT, path)

const ISSUER = 'https://api.example.test'
const AUDIENCE = 'https://api.example.test/v1'

/** The first ```ts block after `## Example` in the Hono README: the example as users copy it. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(source('packages/hono/README.md'), 'utf8')
  const example = /## Example\s+```ts\n([\s\S]*?)\n```/.exec(readme)?.[1]
  if (!example) throw new Error('no ```ts block under "## Example" in packages/hono/README.md')
  return example
}

let work: string

/** One ESM file for edge runtimes, with the workspace packages taken from their sources. */
async function bundle(name: string, entry: { path: string } | { contents: string }) {
  const outfile = join(work, `${name}.js`)
  await build({
    ...('path' in entry
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents, loader: 'ts', resolveDir: source('test') } }),
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    nodePaths: [source('test/node_modules')],
    // Each package to its source folder: `@keyward/core` is its index.ts, and a subpath such as
    // `@keyward/core/adapter` the file of that name.
    alias: {
      '@keyward/core': source('packages/core/src'),
      '@keyward/hono': source('packages/hono/src'),
      '@keyward/jwt': source('packages/jwt/src'),
    },
    logLevel: 'silent',
  })
  return outfile
}

const RUNTIMES = {
  workerd: (script: string, bindings: Bindings) => inWorkerd(work, script, bindings),
  deno: (script: string, bindings: Bindings) => inProcess(work, 'deno', script, bindings),
  bun: (script: string, bindings: Bindings) => inProcess(work, 'bun', script, bindings),
} as const

/** The same, with the runtime's own connection info handed to the app where it has one. */
const WITH_CONNECTION_INFO = {
  workerd: (script: string) => inWorkerd(work, script, {}),
  deno: (script: string) => inProcess(work, 'deno', script, 'runtime'),
  bun: (script: string) => inProcess(work, 'bun', script, 'runtime'),
} as const

/**
 * An app whose keys may be used from loopback only or from 203.0.113.0/24 only, made at the
 * first request (`/keys`), behind `apiKeyAuth` without any client-address option: the address
 * is the runtime's own (workerd: `CF-Connecting-IP`, which miniflare sets from the socket).
 */
const CLIENT_ADDRESS_APP = `
import { createKeyward } from '@keyward/core'
import { apiKeyAuth } from '@keyward/hono'
import { Hono } from 'hono'

const keyward = createKeyward()
let keys
const app = new Hono()
app.get('/keys', async (c) => {
  keys ??= (async () => {
    const create = (allowedIps) =>
      keyward.keys.create({ name: 'k', ownerId: 'org_1', scopes: ['projects:read'], expiresIn: '1d', allowedIps })
    const [loopback, documentation] = await Promise.all([
      create(['127.0.0.0/8', '::1']),
      create(['203.0.113.0/24']),
    ])
    return { loopback: loopback.token, documentation: documentation.token }
  })()
  return c.json(await keys)
})
app.get('/v1/whoami', apiKeyAuth(keyward), (c) => c.json({ id: c.var.apiKey.id }))
export default app
`

const get = (url: string, token?: string) =>
  fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })

let readmeApp: string
let edgeApp: string
let addressApp: string
let jwksServer: Server
let jwksUrl: string
let tokens: { read: string; write: string }

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'keyward-edge-'))
  ;[readmeApp, edgeApp, addressApp] = await Promise.all([
    readmeExample().then((contents) => bundle('readme-hono', { contents })),
    bundle('edge-jwt', { path: source('examples/edge-jwt/src/app.ts') }),
    bundle('client-address', { contents: CLIENT_ADDRESS_APP }),
  ])

  // The issuer, on Node: an API key exchanged for access tokens, its JWK Set over HTTP.
  const accessTokens = createAccessTokens({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [await generateSigningKey()],
  })
  const keyward = createKeyward({ tokenKinds: [accessTokens] })
  const { token } = await keyward.keys.create({
    name: 'edge client',
    ownerId: 'org_1',
    scopes: ['projects:read', 'projects:write'],
    expiresIn: '1d',
  })
  const key = await keyward.verify(token)
  tokens = {
    read: await accessTokens.mintAccessToken(key, { scopes: ['projects:read'] }),
    write: await accessTokens.mintAccessToken(key, { scopes: ['projects:write'] }),
  }
  const jwks = JSON.stringify(await accessTokens.jwks())
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks)
  })
  jwksServer.listen(0, '127.0.0.1')
  await once(jwksServer, 'listening')
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`
}, 60_000)

afterAll(async () => {
  jwksServer?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

describe.each(Object.keys(RUNTIMES) as (keyof typeof RUNTIMES)[])('in %s', (runtime) => {
  it("runs the Hono README's example: 200 / 401 / 403", async () => {
    const app = await RUNTIMES[runtime](readmeApp, {})
    try {
      // The first request makes the demo keys (never at module scope: Workers forbid it).
      expect((await get(`${app.url}/v1/projects`)).status).toBe(401)
      const printed = await waitFor('the demo keys', () => {
        const reader = /200: curl -H "Authorization: Bearer ([^"]+)"/.exec(app.output())?.[1]
        const writer = /403: curl -H "Authorization: Bearer ([^"]+)"/.exec(app.output())?.[1]
        return reader && writer ? { reader, writer } : undefined
      })
      const ok = await get(`${app.url}/v1/projects`, printed.reader)
      expect(ok.status).toBe(200)
      expect(await ok.json()).toEqual({ owner: 'org_42', projects: [] })
      expect((await get(`${app.url}/v1/projects`, `${printed.reader}x`)).status).toBe(401)
      expect((await get(`${app.url}/v1/projects`, printed.writer)).status).toBe(403)
    } finally {
      await app.stop()
    }
  })

  it("checks a key's allowedIps against the runtime's own client address", async () => {
    const app = await WITH_CONNECTION_INFO[runtime](addressApp)
    try {
      const keys = (await (await fetch(`${app.url}/keys`)).json()) as Record<string, string>
      const whoami = (token: string, headers: Record<string, string> = {}) =>
        fetch(`${app.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, ...headers } })
      expect((await whoami(keys.loopback!)).status, app.output()).toBe(200)
      const refused = await whoami(keys.documentation!)
      expect(refused.status).toBe(403)
      expect(await refused.json()).toMatchObject({ code: 'ip_not_allowed' })
      // Forwarded headers are a client's own word without trustProxy.
      const spoofed = { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.7' }
      expect((await whoami(keys.documentation!, spoofed)).status).toBe(403)
      // CF-Connecting-IP is read on workerd only, where Cloudflare sets it (and miniflare keeps
      // a client's own, as a local stand-in for the edge); elsewhere it is a client's header.
      const cloudflare = { 'cf-connecting-ip': '203.0.113.7' }
      expect((await whoami(keys.documentation!, cloudflare)).status).toBe(
        runtime === 'workerd' ? 200 : 403,
      )
    } finally {
      await app.stop()
    }
  })

  it('runs examples/edge-jwt with the issuer JWK Set over HTTP: 200 / 401 / 403', async () => {
    const app = await RUNTIMES[runtime](edgeApp, {
      KEYWARD_ISSUER: ISSUER,
      KEYWARD_AUDIENCE: AUDIENCE,
      KEYWARD_JWKS_URL: jwksUrl,
    })
    try {
      const ok = await get(`${app.url}/v1/projects`, tokens.read)
      expect(ok.status, app.output()).toBe(200)
      expect(await ok.json()).toMatchObject({ owner: 'org_1' })
      expect((await get(`${app.url}/v1/projects`)).status).toBe(401)
      expect((await get(`${app.url}/v1/projects`, `${tokens.read}x`)).status).toBe(401)
      expect((await get(`${app.url}/v1/projects`, tokens.write)).status).toBe(403)
    } finally {
      await app.stop()
    }
  })
})
