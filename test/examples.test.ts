import type { ChildProcess } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { generateToken } from '@keyward/core'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawnExample } from './support/example-process.js'
import {
  connectPostgres,
  DATABASE_URL,
  dropSchema,
  testSchema as testPostgresSchema,
} from './support/postgres-schema.js'
import { stopProcess, waitFor } from './support/processes.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'
import { startExample as startStartedExample } from './support/started-example.js'
import { startTcpProxy } from './support/tcp-proxy.js'

// Each example is started as a real program (`spawnExample`), then driven over HTTP the way
// the root README's curl session drives it.

const root = fileURLToPath(new URL('..', import.meta.url))
const EXAMPLES = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const

const running: ChildProcess[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stopProcess(child)))
})

/** Starts an example on a free port (support's `startExample`); each test's end stops it. */
async function startExample(dir: string, env: Record<string, string> = {}) {
  const started = await startStartedExample(dir, env)
  running.push(started.child)
  return started
}

/** Runs an example expected to fail at start; resolves with its exit code and output lines. */
function runToExit(dir: string, env: Record<string, string>) {
  const child = spawnExample(dir, env)
  running.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  return new Promise<{ code: number | null; stdout: string; stderr: string[] }>((resolve) => {
    child.once('close', (code) =>
      resolve({ code, stdout, stderr: stderr.split('\n').filter(Boolean) }),
    )
  })
}

/** Nothing a client or a log should ever see: a stack frame, a file path, an error's class. */
const LEAK = /\bat \S+ \(|\/(?:work|home|tmp|node_modules)\/|SyntaxError|PayloadTooLarge/

/** `curl` in a function: JSON in, status, headers and JSON (or nothing) out. */
async function curl(
  base: string,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? undefined : JSON.parse(text),
  }
}

describe.each(EXAMPLES)('the %s example', (_, dir) => {
  it('walks the README session: health, whoami, create, use, 403, rotate, delete', async () => {
    const { url, adminToken, output } = await startExample(dir)
    expect(adminToken).toMatch(/^kw_test_[0-9A-Za-z]{38}$/)
    expect(output).toContain(`admin token: ${adminToken}`)

    expect(await curl(url, 'GET', '/health')).toMatchObject({ status: 200, json: { status: 'ok' } })

    const whoami = await curl(url, 'GET', '/v1/whoami', { token: adminToken })
    expect(whoami.status).toBe(200)
    expect(whoami.json).toMatchObject({ ownerId: 'admin', scopes: ['*'], kind: 'api_key' })
    expect(whoami.json.expiresAt - Date.now()).toBeGreaterThan(29 * 86_400_000)
    const anonymous = await curl(url, 'GET', '/v1/whoami')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"')

    const created = await curl(url, 'POST', '/api-keys', {
      token: adminToken,
      body: {
        name: 'Snowflake Native App Integration',
        scopes: ['projects:read'],
        expiresIn: '90d',
      },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const { key, token } = created.json as { key: { id: string; ownerId: string }; token: string }
    expect(key.ownerId).toBe('admin')

    expect(await curl(url, 'GET', '/v1/projects', { token })).toMatchObject({
      status: 200,
      json: { projects: [] },
    })
    const denied = await curl(url, 'POST', '/v1/projects', { token, body: { name: 'Apollo' } })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect(denied.headers.get('www-authenticate')).toContain('scope="projects:write"')
    expect(denied.json).toMatchObject({
      code: 'insufficient_scope',
      missingScopes: ['projects:write'],
    })
    const made = await curl(url, 'POST', '/v1/projects', {
      token: adminToken,
      body: { name: 'Apollo' },
    })
    expect(made).toMatchObject({ status: 201, json: { name: 'Apollo', ownerId: 'admin' } })
    expect((await curl(url, 'GET', '/v1/projects', { token })).json.projects).toHaveLength(1)

    const rotated = await curl(url, 'POST', `/api-keys/${key.id}/rotate`, { token: adminToken })
    expect(rotated.status).toBe(201)
    const renewed = rotated.json as { key: { id: string }; token: string }
    const old = await curl(url, 'GET', '/v1/projects', { token })
    expect(old.status).toBe(401)
    expect(old.json).toMatchObject({ code: 'revoked_token' })
    expect((await curl(url, 'GET', '/v1/projects', { token: renewed.token })).status).toBe(200)

    const listed = await curl(url, 'GET', '/api-keys', { token: adminToken })
    expect(listed.json.keys.map((k: { id: string }) => k.id)).toContain(renewed.key.id)
    expect(listed.json.keys.map((k: { id: string }) => k.id)).not.toContain(key.id)

    expect(
      (await curl(url, 'DELETE', `/api-keys/${renewed.key.id}`, { token: adminToken })).status,
    ).toBe(204)
    const gone = await curl(url, 'GET', '/v1/projects', { token: renewed.token })
    expect(gone.status).toBe(401)
    expect(gone.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('serves the settings page to the demo session, which manages demo-org’s keys from the same origin only', async () => {
    const { url, output } = await startExample(dir)
    expect(output).toContain(`settings page: ${url}/settings/api-keys (demo sign-in)`)
    const page = (path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, { redirect: 'manual', ...init })
    const away = await page('/settings/api-keys')
    expect(away.status).toBe(303)
    expect(away.headers.get('location')).toBe('/sign-in')
    const signInPage = await page('/sign-in')
    expect(signInPage.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await signInPage.text()).toContain('Sign in as the demo person')

    const signedIn = await page('/sign-in', { method: 'POST' })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe('/settings/api-keys')
    const setCookie = signedIn.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^kw_demo_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax/)
    const cookie = setCookie.split(';')[0]!
    const settings = await page('/settings/api-keys', { headers: { cookie } })
    expect(settings.status).toBe(200)
    expect(settings.headers.get('cache-control')).toBe('no-store')
    expect(await settings.text()).toContain('<keyward-api-keys')
    const script = await page('/settings/keyward-api-keys.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)

    const asPerson = (method: string, path: string, body?: unknown, headers = {}) =>
      fetch(`${url}/api-keys${path}`, {
        method,
        headers: { cookie, origin: url, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    const catalog = await (await asPerson('GET', '/catalog')).json()
    expect(catalog.grantable).toEqual(['projects:read', 'api_keys:manage'])
    const input = { name: 'From the page', scopes: ['projects:read'], expiresIn: '90d' }
    const created = await asPerson('POST', '', input)
    expect(created.status).toBe(201)
    const { key, token } = await created.json()
    expect(key).toMatchObject({ ownerId: 'demo-org', status: 'active' })
    expect(await curl(url, 'GET', '/v1/projects', { token })).toMatchObject({ status: 200 })
    const forged = await asPerson('POST', '', input, { origin: 'https://evil.example' })
    expect(forged.status).toBe(403)
    expect((await forged.json()).code).toBe('forbidden')
  })

  it('mints access tokens at POST /api-keys/token and publishes the JWK Set', async () => {
    const { url, adminToken } = await startExample(dir)
    const reader = await curl(url, 'POST', '/api-keys', {
      token: adminToken,
      body: { name: 'reader', scopes: ['projects:read'], expiresIn: '1d' },
    })
    const minted = await curl(url, 'POST', '/api-keys/token', {
      token: reader.json.token,
      body: { scope: 'projects:read', expiresIn: 600 },
    })
    expect(minted.status).toBe(200)
    expect(minted.headers.get('cache-control')).toBe('no-store')
    expect(minted.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'projects:read',
    })
    const accessToken = minted.json.access_token as string
    expect(await curl(url, 'GET', '/v1/whoami', { token: accessToken })).toMatchObject({
      status: 200,
      json: { id: reader.json.key.id, kind: 'access_token', scopes: ['projects:read'] },
    })
    expect((await curl(url, 'GET', '/v1/projects', { token: accessToken })).status).toBe(200)

    const jwks = await curl(url, 'GET', '/.well-known/jwks.json')
    expect(jwks.status).toBe(200)
    expect(jwks.json.keys).toHaveLength(1)
    expect(jwks.json.keys[0]).not.toHaveProperty('d')
    const [header] = accessToken.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString()).kid).toBe(jwks.json.keys[0].kid)

    // Revoking the API key kills its access tokens at once.
    await curl(url, 'DELETE', `/api-keys/${reader.json.key.id}`, { token: adminToken })
    expect((await curl(url, 'GET', '/v1/whoami', { token: accessToken })).status).toBe(401)
  })
})

describe.each(EXAMPLES)('the %s example, where it can go wrong', (_, dir) => {
  it('answers malformed and oversized JSON on /v1/projects with 400/413 problem+json, logging no body', async () => {
    const { url, adminToken, output } = await startExample(dir)
    const post = (body: string) =>
      fetch(`${url}/v1/projects`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body,
      })
    const marker = 'secret-body-6f1c'
    const malformed = await post(`{"name": "${marker}", oops`)
    expect(malformed.status).toBe(400)
    expect(malformed.headers.get('content-type')).toBe('application/problem+json')
    const malformedText = await malformed.text()
    expect(JSON.parse(malformedText)).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(malformedText).not.toMatch(LEAK)
    expect(malformedText).not.toContain(marker)

    const oversized = await post(JSON.stringify({ name: marker, pad: 'x'.repeat(1_100_000) }))
    expect(oversized.status).toBe(413)
    expect(oversized.headers.get('content-type')).toBe('application/problem+json')
    const oversizedText = await oversized.text()
    expect(JSON.parse(oversizedText)).toMatchObject({ status: 413, code: 'request_too_large' })
    expect(oversizedText).not.toMatch(LEAK)
    // Just under the limit is still a project, and the route still works after both.
    const fits = await post(JSON.stringify({ name: 'fits', pad: 'x'.repeat(16_000) }))
    expect(fits.status).toBe(201)

    const logged = output.join('\n')
    expect(logged).not.toContain(marker)
    expect(logged).not.toMatch(LEAK)
  })

  it('exits 1 with one line when its port is taken, printing no admin token', async () => {
    const first = await startExample(dir)
    const port = new URL(first.url).port
    const second = await runToExit(dir, { PORT: port })
    expect(second.code).toBe(1)
    expect(second.stderr).toEqual([
      `The example API could not start: port ${port} on 127.0.0.1 is already taken (EADDRINUSE).`,
    ])
    expect(second.stdout).not.toContain('admin token')
    expect(second.stdout).not.toContain('listening')
    // The first one is untouched.
    expect((await curl(first.url, 'GET', '/health')).status).toBe(200)
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops on %s with exit code 0 and nothing on stderr',
    async (signal) => {
      const { url, child, output } = await startExample(dir)
      expect((await curl(url, 'GET', '/health')).status).toBe(200)
      const linesBefore = output.length
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      )
      child.kill(signal)
      expect(await exited).toBe(0)
      expect(output.slice(linesBefore)).toEqual([])
    },
  )

  it('answers GET /ready 200 and GET /health 200 on the memory store', async () => {
    const { url } = await startExample(dir)
    expect(await curl(url, 'GET', '/ready')).toMatchObject({
      status: 200,
      json: { status: 'ready' },
    })
    expect(await curl(url, 'GET', '/health')).toMatchObject({ status: 200, json: { status: 'ok' } })
  })
})

/**
 * A private JWK of the right shape whose private members come from a second key. Node
 * refuses such an Ed25519 key on import; an RSA one imports, and only a signature that does
 * not verify with the JWK's own public members gives it away.
 */
function mismatchedJwk(type: 'ed25519' | 'rsa'): string {
  const jwk = () =>
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })
      : generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  const [own, other] = [jwk(), jwk()]
  return JSON.stringify(type === 'rsa' ? { ...other, n: own.n } : { ...own, d: other.d })
}

// The environment is read by the shared bootstrap, so one framework covers both.
describe('a wrong environment stops the example with one line and exit code 1', () => {
  const jwkRecipe = /make one with: node -e "/
  const signingJwk = JSON.stringify(
    generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
  )
  const sharedIssuer =
    /ISSUER must be set when JWT_PRIVATE_JWK is given with DATABASE_URL or REDIS_URL: every instance sharing the store must name the same issuer, and the default \(http:\/\/127\.0\.0\.1:0\) differs by port/
  const badKeyData =
    /JWT_PRIVATE_JWK is not a usable private key \(signingKeys\[0\] must be a valid EdDSA key\); make one with: node -e "/
  it.each([
    ['PORT=abc', { PORT: 'abc' }, /PORT must be an integer from 0 to 65535.*"abc"/],
    ['PORT=70000', { PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [
      'JWT_PRIVATE_JWK not JSON',
      { PORT: '0', JWT_PRIVATE_JWK: '{"d": "hunter2-secret' },
      jwkRecipe,
    ],
    [
      'JWT_PRIVATE_JWK a public key',
      { PORT: '0', JWT_PRIVATE_JWK: '{"kty":"OKP","crv":"Ed25519","x":"abc"}' },
      jwkRecipe,
    ],
    [
      'JWT_PRIVATE_JWK an Ed25519 key whose x and d are too short',
      { PORT: '0', JWT_PRIVATE_JWK: '{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"AAAA"}' },
      badKeyData,
    ],
    [
      'JWT_PRIVATE_JWK an Ed25519 key whose d is of another key',
      { PORT: '0', JWT_PRIVATE_JWK: mismatchedJwk('ed25519') },
      badKeyData,
    ],
    [
      'JWT_PRIVATE_JWK an RSA key whose private members are of another key',
      { PORT: '0', JWT_PRIVATE_JWK: mismatchedJwk('rsa') },
      /JWT_PRIVATE_JWK is not a usable private key \(a token it signs does not verify with its public key\); make one with: node -e "/,
    ],
    [
      'JWT_PRIVATE_JWK with REDIS_URL but no ISSUER (instances would refuse each other’s tokens)',
      { PORT: '0', REDIS_URL, ISSUER: '', JWT_PRIVATE_JWK: signingJwk },
      sharedIssuer,
    ],
    [
      'JWT_PRIVATE_JWK with DATABASE_URL but no ISSUER',
      { PORT: '0', DATABASE_URL, ISSUER: '', JWT_PRIVATE_JWK: signingJwk },
      sharedIssuer,
    ],
    [
      'TRUST_PROXY a word that names no range',
      { PORT: '0', TRUST_PROXY: 'nowhere' },
      /TRUST_PROXY must be a hop count \(1\) or a comma-separated list of loopback, linklocal, uniquelocal, addresses and CIDR ranges, not "nowhere"\.$/,
    ],
    [
      'TRUST_PROXY with a range past /32',
      { PORT: '0', TRUST_PROXY: 'loopback, 10.0.0.0/33' },
      /TRUST_PROXY must be a hop count .*, not "loopback, 10\.0\.0\.0\/33"\.$/,
    ],
    ['TRUST_PROXY=-1', { PORT: '0', TRUST_PROXY: '-1' }, /TRUST_PROXY must be a hop count /],
    [
      'EDGE_SECRET shorter than 32 characters',
      { PORT: '0', EDGE_SECRET: 'hunter2-edge' },
      /EDGE_SECRET must be at least 32 characters \(it is 12\)/,
    ],
    [
      'RATE_LIMIT without a window',
      { PORT: '0', RATE_LIMIT: '100' },
      /RATE_LIMIT must be <limit>\/<window> like 100\/1m, not "100"\.$/,
    ],
    [
      'RATE_LIMIT=0/1m (core refuses the limit)',
      { PORT: '0', RATE_LIMIT: '0/1m' },
      /RATE_LIMIT must be <limit>\/<window> like 100\/1m, not "0\/1m": the limit /,
    ],
    [
      'RATE_LIMIT=100/1w (core refuses the window)',
      { PORT: '0', RATE_LIMIT: '100/1w' },
      /RATE_LIMIT must be <limit>\/<window> like 100\/1m, not "100\/1w": the window /,
    ],
  ] as const)('%s', async (_, env, message) => {
    const { code, stdout, stderr } = await runToExit(EXAMPLES[0][1], env)
    expect(code).toBe(1)
    expect(stderr).toHaveLength(1)
    expect(stderr[0]).toMatch(/^The example API could not start: /)
    expect(stderr[0]).toMatch(message)
    expect(stderr[0]).not.toMatch(LEAK)
    expect(stderr[0]).not.toContain('hunter2')
    // The private key's `d` is never quoted back.
    const d = 'JWT_PRIVATE_JWK' in env ? /"d":"([^"]+)"/.exec(env.JWT_PRIVATE_JWK)?.[1] : undefined
    if (d !== undefined) expect(stderr[0]).not.toContain(d)
    expect(stdout).toBe('')
  })

  it('the README’s one-line JWT_PRIVATE_JWK recipe makes a key the example starts with', async () => {
    const readme = await readFile(`${root}README.md`, 'utf8')
    const recipe = /JWT_PRIVATE_JWK="\$\((node -e "[^\n]+")\)"/.exec(readme)?.[1]
    expect(recipe).toBeDefined()
    const { execSync } = await import('node:child_process')
    const jwk = execSync(recipe!, { encoding: 'utf8' }).trim()
    const { url } = await startExample(EXAMPLES[0][1], { JWT_PRIVATE_JWK: jwk })
    const jwks = await curl(url, 'GET', '/.well-known/jwks.json')
    expect(jwks.json.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'example' })
    expect(jwks.json.keys[0]).not.toHaveProperty('d')
  })
})

describe('a deployment default rate limit (RATE_LIMIT)', () => {
  // Read by the shared bootstrap, so one framework covers both.
  it('refuses a key without limits of its own with 429 past it, while the admin token keeps working', async () => {
    const { url, adminToken } = await startExample(EXAMPLES[0][1], { RATE_LIMIT: '2/1h' })
    const catalog = await curl(url, 'GET', '/api-keys/catalog', { token: adminToken })
    expect(catalog.json.defaultRateLimits).toEqual([{ name: 'default', limit: 2, window: 3600 }])
    const created = await curl(url, 'POST', '/api-keys', {
      token: adminToken,
      body: { name: 'no limits of its own', scopes: ['projects:read'], expiresIn: '1d' },
    })
    expect(created.status).toBe(201)
    expect(created.json.key).not.toHaveProperty('rateLimits')
    const { token } = created.json as { token: string }
    const answers = []
    for (let i = 0; i < 5; i++) answers.push(await curl(url, 'GET', '/v1/projects', { token }))
    // Two an hour; an hour boundary crossed during the loop would admit at most two more.
    expect(answers.slice(0, 2).map((answer) => answer.status)).toEqual([200, 200])
    expect(answers.at(-1)!.status).toBe(429)
    expect(answers.at(-1)!.headers.get('ratelimit-policy')).toBe('"default";q=2;w=3600')

    for (let i = 0; i < 5; i++) {
      const whoami = await curl(url, 'GET', '/v1/whoami', { token: adminToken })
      expect(whoami.status).toBe(200)
      expect(whoami.headers.get('ratelimit-policy')).toBeNull()
    }
  })
})

describe('the client address behind a proxy (TRUST_PROXY)', () => {
  /** A key usable only from 203.0.113.0/24, made through the management API. */
  async function documentationKey(url: string, adminToken: string): Promise<string> {
    const created = await curl(url, 'POST', '/api-keys', {
      token: adminToken,
      body: {
        name: 'from the documentation network',
        scopes: ['projects:read'],
        expiresIn: '1d',
        allowedIps: ['203.0.113.0/24'],
      },
    })
    expect(created.status).toBe(201)
    expect(created.json.key.allowedIps).toEqual(['203.0.113.0/24'])
    return created.json.token
  }

  const whoami = (url: string, token: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${token}`, ...headers } })

  it.each(EXAMPLES)(
    '%s: with TRUST_PROXY=loopback the proxy’s X-Forwarded-For is the client',
    async (_, dir) => {
      const { url, adminToken } = await startExample(dir, { TRUST_PROXY: 'loopback' })
      const token = await documentationKey(url, adminToken)
      expect((await whoami(url, token, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200)
      const direct = await whoami(url, token)
      expect(direct.status).toBe(403)
      expect(await direct.json()).toMatchObject({ code: 'ip_not_allowed' })
    },
  )

  it.each(EXAMPLES)(
    '%s: with TRUST_PROXY=1 the one hop in front is trusted, and only it',
    async (_, dir) => {
      const { url, adminToken } = await startExample(dir, { TRUST_PROXY: '1' })
      const token = await documentationKey(url, adminToken)
      // The proxy appended the address it saw: that one is the client, what came before is not.
      const chain = (value: string) => ({ 'x-forwarded-for': value })
      expect((await whoami(url, token, chain('198.51.100.1, 203.0.113.7'))).status).toBe(200)
      expect((await whoami(url, token, chain('203.0.113.7, 198.51.100.1'))).status).toBe(403)
      expect((await whoami(url, token)).status).toBe(403)
    },
  )

  it.each(EXAMPLES)(
    '%s: with TRUST_PROXY naming other networks the peer’s X-Forwarded-For is ignored',
    async (_, dir) => {
      const { url, adminToken } = await startExample(dir, { TRUST_PROXY: '10.0.0.0/8, ::1' })
      const token = await documentationKey(url, adminToken)
      const spoofed = await whoami(url, token, { 'x-forwarded-for': '203.0.113.7' })
      expect(spoofed.status).toBe(403)
      expect(await spoofed.json()).toMatchObject({ code: 'ip_not_allowed' })
    },
  )

  it.each(EXAMPLES)(
    '%s: a TRUST_PROXY that is neither stops the start with one line and exit code 1',
    async (_, dir) => {
      const { code, stdout, stderr } = await runToExit(dir, {
        PORT: '0',
        TRUST_PROXY: 'loopback, proxy.internal',
      })
      expect(code).toBe(1)
      expect(stderr).toEqual([
        'The example API could not start: TRUST_PROXY must be a hop count (1) or a comma-separated list of loopback, linklocal, uniquelocal, addresses and CIDR ranges, not "loopback, proxy.internal".',
      ])
      expect(stdout).toBe('')
    },
  )

  it.each(EXAMPLES)(
    '%s: without TRUST_PROXY a spoofed X-Forwarded-For is ignored',
    async (_, dir) => {
      const { url, adminToken } = await startExample(dir)
      const token = await documentationKey(url, adminToken)
      const spoofed = await whoami(url, token, { 'x-forwarded-for': '203.0.113.7' })
      expect(spoofed.status).toBe(403)
      expect(spoofed.headers.get('www-authenticate')).toBeNull()
      expect(await spoofed.json()).toMatchObject({ code: 'ip_not_allowed' })
    },
  )
})

describe('while Redis is down', () => {
  const namespace = testNamespace('examples-down')
  // A proxy of this file's own in front of the shared Redis: cutting it cuts only the example.
  const PROXY_PORT = 6421

  afterAll(async () => {
    const redis = await connectRedis()
    await deleteNamespace(redis, namespace)
    await redis.quit()
  })

  it.each(EXAMPLES)(
    '%s: /health stays 200, /ready is 503 until it is back, and each state change is logged once',
    async (_, dir) => {
      const target = Number(new URL(REDIS_URL).port || 6379)
      const proxy = await startTcpProxy(PROXY_PORT, target)
      try {
        const { url, output } = await startExample(dir, {
          REDIS_URL: proxy.url,
          REDIS_NAMESPACE: `${namespace}-${dir.split('/')[1]}`,
        })
        expect((await curl(url, 'GET', '/ready')).status).toBe(200)
        await proxy.cut()
        // 503 only once the mirror is past maxStaleness (10 s by default), so up to 10 s after
        // the cut plus the probe's own wait.
        const stale = await waitFor(
          'GET /ready to answer 503',
          async () => {
            const ready = await curl(url, 'GET', '/ready')
            return ready.status === 503 && ready
          },
          { timeoutMs: 20_000 },
        )
        expect(stale.headers.get('content-type')).toBe('application/problem+json')
        expect(stale.json).toMatchObject({ code: 'unavailable' })
        expect(await curl(url, 'GET', '/health')).toMatchObject({ status: 200 })
        // Several reconnection attempts later, still one line about it.
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        await proxy.restore()
        await waitFor('GET /ready to answer 200', async () => {
          return (await curl(url, 'GET', '/ready')).status === 200
        })
        const logged = output.join('\n')
        expect(logged).not.toContain('Unhandled error event')
        expect(logged).not.toMatch(/\bat \S+ \(/)
        expect(output.filter((line) => line.startsWith('redis: connection lost'))).toHaveLength(1)
        await waitFor('the recovery line', () => output.includes('redis: connection back'))
      } finally {
        await proxy.close()
      }
    },
  )
})

it('keeps the Hono app edge-safe: app.ts imports no node: module (main.ts holds the Node wiring)', async () => {
  const source = await readFile(`${root}examples/hono-api/src/app.ts`, 'utf8')
  expect(source).not.toMatch(/from ['"]node:/)
  expect(source).not.toMatch(/ioredis|@keyward\/redis|@hono\/node-server/)
})

describe('two instances sharing Redis', () => {
  const namespace = testNamespace('examples')
  let redis: Redis

  beforeAll(async () => {
    redis = await connectRedis()
  })
  afterAll(async () => {
    if (redis) {
      await deleteNamespace(redis, namespace)
      await redis.quit()
    }
  })

  it.each(EXAMPLES)(
    '%s: the second shares the first one’s admin; a key revoked on one fails on the other',
    async (_, dir) => {
      const env = { REDIS_URL, REDIS_NAMESPACE: `${namespace}-${dir.split('/')[1]}` }
      const first = await startExample(dir, env)
      const second = await startExample(dir, { ...env, ADMIN_TOKEN: first.adminToken })
      expect(second.adminToken).toBe(first.adminToken)
      expect(
        (await curl(second.url, 'GET', '/v1/whoami', { token: first.adminToken })).status,
      ).toBe(200)

      const created = await curl(first.url, 'POST', '/api-keys', {
        token: first.adminToken,
        body: { name: 'shared', scopes: ['projects:read'], expiresIn: '1d' },
      })
      const { key, token } = created.json as { key: { id: string }; token: string }
      expect((await curl(second.url, 'GET', '/v1/projects', { token })).status).toBe(200)
      expect((await curl(first.url, 'GET', '/v1/projects', { token })).status).toBe(200)

      expect(
        (await curl(second.url, 'DELETE', `/api-keys/${key.id}`, { token: first.adminToken }))
          .status,
      ).toBe(204)
      // The revocation reaches the first instance over pub/sub: poll it, bounded.
      let status = 200
      for (let attempt = 0; attempt < 100 && status === 200; attempt++) {
        status = (await curl(first.url, 'GET', '/v1/projects', { token })).status
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(status).toBe(401)
    },
  )

  it('Express: a key limited to 3 requests an hour gets 3 in all from the two instances, not 3 from each', async () => {
    const env = { REDIS_URL, REDIS_NAMESPACE: `${namespace}-limits` }
    const first = await startExample(EXAMPLES[0][1], env)
    const second = await startExample(EXAMPLES[0][1], { ...env, ADMIN_TOKEN: first.adminToken })
    const created = await curl(first.url, 'POST', '/api-keys', {
      token: first.adminToken,
      body: {
        name: 'limited',
        scopes: ['projects:read'],
        expiresIn: '1d',
        rateLimits: [{ name: 'hourly', limit: 3, window: '1h' }],
      },
    })
    expect(created.status).toBe(201)
    const { token } = created.json as { token: string }
    const statuses: number[] = []
    for (const url of [first.url, second.url, first.url, second.url, first.url, second.url]) {
      statuses.push((await curl(url, 'GET', '/v1/projects', { token })).status)
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(3)
    expect(statuses.slice(3)).toEqual([429, 429, 429])
  })

  it('refuses to start with an ADMIN_TOKEN the store does not know', async () => {
    const env = {
      REDIS_URL,
      REDIS_NAMESPACE: `${namespace}-unknown`,
      ADMIN_TOKEN: generateToken('kw_test'),
    }
    const refused = startExample(EXAMPLES[0][1], env)
    await expect(refused).rejects.toThrow(/exited with 1/)
    await expect(refused).rejects.toThrow(/unknown_token/)
    await expect(refused).rejects.not.toThrow(env.ADMIN_TOKEN)
  })
})

describe('two instances sharing PostgreSQL only', () => {
  const schema = testPostgresSchema('examples')

  afterAll(async () => {
    const pool = await connectPostgres()
    await dropSchema(pool, schema)
    await pool.end()
  })

  // One framework is enough here: the backend is chosen in the shared bootstrap.
  it('Express: a key created on one verifies on the other, and once revoked fails on both', async () => {
    const dir = EXAMPLES[0][1]
    const env = { DATABASE_URL, DATABASE_SCHEMA: schema }
    const first = await startExample(dir, env)
    expect(first.output.join('\n')).toMatch(/PostgreSQL \(kwtest_examples/)
    const second = await startExample(dir, { ...env, ADMIN_TOKEN: first.adminToken })
    expect(second.adminToken).toBe(first.adminToken)

    const created = await curl(first.url, 'POST', '/api-keys', {
      token: first.adminToken,
      body: { name: 'shared', scopes: ['projects:read'], expiresIn: '1d' },
    })
    const { key, token } = created.json as { key: { id: string }; token: string }
    expect((await curl(second.url, 'GET', '/v1/projects', { token })).status).toBe(200)
    expect((await curl(first.url, 'GET', '/v1/projects', { token })).status).toBe(200)

    expect(
      (await curl(second.url, 'DELETE', `/api-keys/${key.id}`, { token: first.adminToken })).status,
    ).toBe(204)
    // The revocation reaches the first instance over LISTEN/NOTIFY: poll it, bounded.
    let status = 200
    for (let attempt = 0; attempt < 100 && status === 200; attempt++) {
      status = (await curl(first.url, 'GET', '/v1/projects', { token })).status
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(status).toBe(401)

    // Both instances write to one audit log in PostgreSQL: the second lists the first's
    // creation beside its own revocation once their buffers are flushed (within a second).
    let types: string[] = []
    for (let attempt = 0; attempt < 100 && types.length < 2; attempt++) {
      const audit = await curl(second.url, 'GET', `/api-keys/audit?keyId=${key.id}`, {
        token: first.adminToken,
      })
      types = (audit.json as { events: { type: string }[] }).events.map((event) => event.type)
      if (types.length < 2) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(types).toEqual(['revoked', 'created'])
  })
})
