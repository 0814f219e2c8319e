import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// What a new user gets from the registry: every package in packages/* built and packed as it
// would be published, installed with npm into a fresh project (nothing of this workspace
// around it), then used from an ES module (`.mjs`) and from CommonJS (`.cjs`, require() of
// the ESM build, which Node >= 20.19 / 22.12 does without a warning), first with ioredis 6
// (what `npm install ioredis` picks today), then with ioredis 5. stderr must stay empty.

const execFileAsync = promisify(execFile)

/** execFile, failing with the command's own output (what tsc or npm said) in the message. */
async function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) {
  try {
    return await execFileAsync(command, args, { ...options, maxBuffer: 16 << 20 })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`.slice(0, 8000), {
      cause: error,
    })
  }
}
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** This environment without what pnpm and vitest put in it (npm would warn about pnpm's `npm_config_*`). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|node_options$|vitest|__vitest)/i.test(name)) continue
    env[name] = value
  }
  return { ...env, REDIS_URL, NO_UPDATE_NOTIFIER: '1' }
}

interface Manifest {
  /** Where it lives, e.g. `packages/core`. */
  dir: string
  name: string
  exports: Record<string, unknown>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

/** Every directory of packages/* with a package.json, whoever added it. */
async function workspacePackages(): Promise<Manifest[]> {
  const dirs = await readdir(join(ROOT, 'packages'))
  const manifests: Manifest[] = []
  for (const dir of dirs.sort()) {
    const file = join(ROOT, 'packages', dir, 'package.json')
    if (existsSync(file)) {
      manifests.push({ ...JSON.parse(await readFile(file, 'utf8')), dir: `packages/${dir}` })
    }
  }
  return manifests
}

/**
 * The consumer's work, identical in both module systems: load every export of every package
 * (an entry may fail only for want of an optional peer it declares, such as vitest for
 * `@keyward/core/testing`), then use core, Express, Hono, Fastify and Redis for real.
 */
const BODY = `
async function main(load, { express, Redis, ioredisVersion, manifests }) {
  const loaded = []
  for (const manifest of manifests) {
    const optional = Object.keys(manifest.peerDependenciesMeta ?? {})
    for (const subpath of Object.keys(manifest.exports)) {
      const specifier = manifest.name + subpath.slice(1)
      try {
        const namespace = await load(specifier)
        if (Object.keys(namespace).length === 0) throw new Error(specifier + ' exports nothing')
        loaded.push(specifier)
      } catch (error) {
        const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(error?.message))?.[1]
        if (!missing || !optional.includes(missing)) throw error
        loaded.push(specifier + ' (needs ' + missing + ')')
      }
    }
  }

  const { createKeyward, defineScopes } = await load('@keyward/core')
  const scopes = defineScopes({ 'projects:read': 'Read projects', 'projects:write': 'Write projects' })
  const keyward = createKeyward({ prefix: 'kw_test', scopes })
  const { token } = await keyward.keys.create({ name: 'reader', ownerId: 'org_1', scopes: ['projects:read'], expiresIn: '1d' })
  const statuses = async (fetchAt) => [
    (await fetchAt('/v1/read', token)).status,
    (await fetchAt('/v1/read')).status,
    (await fetchAt('/v1/write', token)).status,
  ]
  const headers = (bearer) => (bearer ? { authorization: 'Bearer ' + bearer } : {})

  const kx = await load('@keyward/express')
  const app = express()
  app.use('/v1', kx.apiKeyAuth(keyward))
  app.get('/v1/read', kx.requireScopes('projects:read'), (req, res) => res.json({ owner: req.apiKey.ownerId }))
  app.get('/v1/write', kx.requireScopes('projects:write'), (req, res) => res.json({}))
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  const base = 'http://127.0.0.1:' + server.address().port
  const expressStatuses = await statuses((path, bearer) => fetch(base + path, { headers: headers(bearer) }))
  await new Promise((resolve) => server.close(resolve))

  const kh = await load('@keyward/hono')
  const { Hono } = await load('hono')
  const hono = new Hono()
  hono.use('/v1/*', kh.apiKeyAuth(keyward))
  hono.get('/v1/read', kh.requireScopes('projects:read'), (c) => c.json({ owner: c.var.apiKey.ownerId }))
  hono.get('/v1/write', kh.requireScopes('projects:write'), (c) => c.json({}))
  const honoStatuses = await statuses((path, bearer) => hono.request(path, { headers: headers(bearer) }))

  const kf = await load('@keyward/fastify')
  const fastify = (await load('fastify')).default()
  fastify.register(async (v1) => {
    v1.addHook('onRequest', kf.apiKeyAuth(keyward))
    v1.get('/read', { preHandler: kf.requireScopes('projects:read') }, async (request) => ({ owner: request.apiKey.ownerId }))
    v1.get('/write', { preHandler: kf.requireScopes('projects:write') }, async () => ({}))
  }, { prefix: '/v1' })
  const fastifyStatuses = await statuses(async (path, bearer) => ({
    status: (await fastify.inject({ url: path, headers: headers(bearer) })).statusCode,
  }))
  await fastify.close()

  const { RedisRevocationList, RedisTokenStore } = await load('@keyward/redis')
  const redis = new Redis(process.env.REDIS_URL)
  const namespace = 'kwpack:' + process.pid + ':' + Date.now().toString(36)
  const shared = createKeyward({
    prefix: 'kw_test', scopes,
    store: new RedisTokenStore(redis, { namespace }),
    revocations: new RedisRevocationList(redis, { namespace }),
  })
  await shared.ready()
  const created = await shared.keys.create({ name: 'shared', ownerId: 'org_1', scopes: ['projects:read'], expiresIn: '1d' })
  const verified = (await shared.verify(created.token)).id === created.key.id
  await shared.keys.revoke(created.key.id)
  const revoked = await shared.verify(created.token).then(() => 'accepted', (error) => error.code)
  await shared.close()
  const keys = await redis.keys('{' + namespace + '}*')
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()

  console.log(JSON.stringify({ loaded, express: expressStatuses, hono: honoStatuses, fastify: fastifyStatuses, redis: { ioredis: ioredisVersion, verified, revoked } }))
}
`

const ESM = `import * as core from '@keyward/core'
import * as keywardExpress from '@keyward/express'
import * as keywardHono from '@keyward/hono'
import * as keywardRedis from '@keyward/redis'
import express from 'express'
import { Redis } from 'ioredis'
import { createRequire } from 'node:module'

// JSON through require: JSON modules still print an ExperimentalWarning on Node 20.
const require = createRequire(import.meta.url)
const manifests = require('./manifests.json')

const statics = { '@keyward/core': core, '@keyward/express': keywardExpress, '@keyward/hono': keywardHono, '@keyward/redis': keywardRedis }
const load = async (specifier) => statics[specifier] ?? (await import(specifier))
${BODY}
await main(load, { express, Redis, ioredisVersion: require('ioredis/package.json').version, manifests })
`

const CJS = `'use strict'
const express = require('express')
const { Redis } = require('ioredis')
const manifests = require('./manifests.json')
const load = async (specifier) => require(specifier)
${BODY}
main(load, { express, Redis, ioredisVersion: require('ioredis/package.json').version, manifests }).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
`

let work: string
let app: string
let manifests: Manifest[]
let npmOutput = ''

async function npm(...args: string[]): Promise<void> {
  const { stdout, stderr } = await run(
    'npm',
    [...args, '--no-audit', '--no-fund', '--strict-peer-deps'],
    { cwd: app, env: cleanEnv() },
  )
  npmOutput += stdout + stderr
}

/** Runs `file` in the consumer project; resolves with its stdout line parsed and its stderr. */
async function consume(file: string) {
  const { stdout, stderr } = await run(process.execPath, [file], { cwd: app, env: cleanEnv() })
  return { result: JSON.parse(stdout.trim()), stderr }
}

/** The ES module consumer and the CommonJS one, side by side. */
async function consumeBoth() {
  const files = ['consumer.mjs', 'consumer.cjs'] as const
  const outcomes = await Promise.all(files.map(consume))
  return files.map((file, i) => [file, outcomes[i]!] as const)
}

describe('the packed tarballs in a fresh npm project', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'keyward-packaging-'))
    app = join(work, 'app')
    const tarballs = join(work, 'tarballs')
    await mkdir(app)
    await mkdir(tarballs)
    const env = cleanEnv()
    manifests = await workspacePackages()

    // What the packages need from the registry (their dependencies and required peers, in their
    // declared ranges; ioredis 6 first) goes in while the packages build: network beside CPU.
    const registry: Record<string, string> = {}
    for (const m of manifests) {
      for (const [name, range] of Object.entries(m.dependencies ?? {})) {
        if (!range.startsWith('workspace:')) registry[name] = range
      }
      for (const [peer, range] of Object.entries(m.peerDependencies ?? {})) {
        if (!m.peerDependenciesMeta?.[peer]?.optional) registry[peer] = range
      }
    }
    registry.ioredis = '^6.0.0'
    const consumer = (dependencies: Record<string, string>, overrides?: Record<string, string>) =>
      writeFile(
        join(app, 'package.json'),
        JSON.stringify({ name: 'keyward-consumer', private: true, dependencies, overrides }),
      )
    await consumer(registry)
    await Promise.all([
      npm('install'),
      run('pnpm', ['-r', '--filter', './packages/*', 'build'], { cwd: ROOT, env }),
    ])
    await run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], {
      cwd: ROOT,
      env,
    })

    const files = await readdir(tarballs)
    const tarball = (name: string) => {
      const file = files.find((f) => f.startsWith(`${name.replace('@', '').replace('/', '-')}-`))
      if (!file) throw new Error(`no tarball for ${name} in ${files.join(', ')}`)
      return `file:../tarballs/${file}`
    }
    const local = Object.fromEntries(manifests.map((m) => [m.name, tarball(m.name)]))
    // Packages depend on each other as ^0.1.0: the overrides resolve those to the tarballs.
    await consumer({ ...registry, ...local }, local)
    await writeFile(
      join(app, 'manifests.json'),
      JSON.stringify(
        manifests.map(({ name, exports, peerDependenciesMeta }) => ({
          name,
          exports,
          peerDependenciesMeta,
        })),
      ),
    )
    await writeFile(join(app, 'consumer.mjs'), ESM)
    await writeFile(join(app, 'consumer.cjs'), CJS)
    await npm('install')
  }, 180_000)

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  const expected = (ioredisMajor: number) => ({
    express: [200, 401, 403],
    hono: [200, 401, 403],
    fastify: [200, 401, 403],
    redis: {
      ioredis: expect.stringMatching(new RegExp(`^${ioredisMajor}\\.`)),
      verified: true,
      revoked: 'revoked_token',
    },
  })

  it('installs every package beside ioredis 6 without a peer conflict', () => {
    expect(npmOutput).not.toMatch(/ERESOLVE|peer/i)
    expect(manifests.length).toBeGreaterThan(0)
  })

  it('loads every entry point and works, from ESM and from CommonJS, with ioredis 6', async () => {
    for (const [file, { result, stderr }] of await consumeBoth()) {
      expect(stderr, file).toBe('')
      expect(result, file).toMatchObject(expected(6))
      for (const m of manifests) expect(result.loaded, file).toContain(m.name)
    }
  })

  it('does the same with ioredis 5 installed afterwards', async () => {
    npmOutput = ''
    await npm('install', 'ioredis@^5.4.0')
    expect(npmOutput).not.toMatch(/ERESOLVE|peer/i)
    for (const [file, { result, stderr }] of await consumeBoth()) {
      expect(stderr, file).toBe('')
      expect(result, file).toMatchObject(expected(5))
    }
  })

  it('ships the conformance kit: @keyward/core/testing exports it once vitest is installed', async () => {
    // vitest is an optional peer the consumer lacks: lend it this workspace's for one load.
    const link = join(app, 'node_modules', 'vitest')
    await symlink(join(ROOT, 'node_modules', 'vitest'), link, 'dir')
    try {
      const load = "console.log(JSON.stringify(Object.keys(await import('@keyward/core/testing'))))"
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', load], {
        cwd: app,
        env: cleanEnv(),
      })
      expect(JSON.parse(stdout)).toEqual(
        expect.arrayContaining([
          'adapterConformance',
          'managementConformance',
          'tokenStoreConformance',
          'revocationListConformance',
        ]),
      )
    } finally {
      await rm(link)
    }
  })
})

describe('every package manifest', () => {
  it('exports types first then one ESM build for import and require, with the metadata a registry page shows', async () => {
    const entries = (exports: Record<string, unknown>) =>
      Object.entries(exports) as [string, Record<string, string>][]
    for (const manifest of await workspacePackages()) {
      const { dir, name } = manifest
      for (const [subpath, conditions] of entries(manifest.exports)) {
        expect(Object.keys(conditions), `${name} ${subpath}`).toEqual(['types', 'default'])
      }
      expect(manifest, name).toMatchObject({
        license: 'MIT',
        homepage: `https://github.com/keyward/keyward/tree/main/${dir}#readme`,
        bugs: { url: 'https://github.com/keyward/keyward/issues' },
        repository: { url: 'git+https://github.com/keyward/keyward.git', directory: dir },
        keywords: expect.arrayContaining(['keyward']),
        files: expect.arrayContaining(['LICENSE', '!src/**/*.test.ts', '!src/**/*.test-d.ts']),
      })
      expect(existsSync(join(ROOT, dir, 'LICENSE')), `${dir}/LICENSE`).toBe(true)
      const readme = await readFile(join(ROOT, dir, 'README.md'), 'utf8')
      expect(readme, `${dir}/README.md`).toContain(`await import('${name}')`)
      expect(readme, `${dir}/README.md links`).not.toMatch(/\]\(\.\.?\//)
    }
  })
})
