import { createKeyward, type Keyward, type RevocationList } from '@keyward/core'
import { migrate, PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_URL, keyward, REDIS_URL, spawnKeyward } from './support.js'

// `keyward` against the stores applications share, each beside an application instance
// (`app`) on the same store, so every effect is checked where it matters: in what a running
// app answers, with its cache warm. Each command runs in-process through `run()` (what the bin
// calls); the real bin is spawned once per backend, and for the confirmation through a pipe.

const RUN = `kwcli_${process.pid}_${Date.now().toString(36)}`

/** One shared deployment: how the CLI is pointed at it, and an app instance on it. */
interface Deployment {
  /** The global options naming it. */
  args: string[]
  /** What the revoke-all confirmation names it. */
  description: RegExp
  app: Keyward
}

let redis: Redis
let db: pg.Pool
const schemas: string[] = []
const apps: Keyward[] = []

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  await redis.ping()
  db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 })
  db.on('error', () => {})
  await db.query('SELECT 1')
})
afterAll(async () => {
  for (const app of apps) await app.close()
  if (redis) {
    const keys = await redis.keys(`*${RUN}*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  }
  if (db) {
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
  }
})

async function schemaFor(name: string): Promise<string> {
  const schema = `${RUN}_${name}`
  schemas.push(schema)
  await migrate(db, { schema })
  return schema
}

async function appOn(store: Keyward['store'], revocations: RevocationList): Promise<Keyward> {
  const app = createKeyward({
    prefixes: ['kw_live', 'kw_test'],
    store,
    revocations,
    onError: () => {},
  })
  apps.push(app)
  await app.ready()
  return app
}

/**
 * What `app` answers for `token`. A revocation reaches a running app as its list's
 * notification (Redis pub/sub, PostgreSQL NOTIFY) does, a moment after the command returns:
 * assertions of it poll for up to a second.
 */
async function outcome(app: Keyward, token: string, clientIp?: string): Promise<string> {
  try {
    await app.verify(token, clientIp === undefined ? {} : { clientIp })
    return 'verified'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

const deployments: Record<string, () => Promise<Deployment>> = {
  async Redis() {
    const namespace = `${RUN}_redis`
    return {
      args: ['--redis', REDIS_URL, '--namespace', namespace],
      description: new RegExp(`in Redis at redis://\\S+ \\(namespace ${namespace}\\)`),
      app: await appOn(
        new RedisTokenStore(redis, { namespace }),
        new RedisRevocationList(redis, { namespace }),
      ),
    }
  },
  async PostgreSQL() {
    const schema = await schemaFor('pg')
    return {
      args: ['--database', DATABASE_URL, '--schema', schema],
      description: new RegExp(`in PostgreSQL at postgres://\\S+ \\(schema ${schema}\\), at once`),
      app: await appOn(
        new PostgresTokenStore(db, { schema }),
        new PostgresRevocationList(db, { schema, onError: () => {} }),
      ),
    }
  },
  async 'PostgreSQL with revocations through Redis'() {
    const schema = await schemaFor('mixed')
    const namespace = `${RUN}_mixed`
    return {
      args: [
        '--database',
        DATABASE_URL,
        '--schema',
        schema,
        '--redis',
        REDIS_URL,
        '--namespace',
        namespace,
      ],
      description: new RegExp(
        `\\(schema ${schema}\\), revocations through Redis at redis://\\S+ \\(namespace ${namespace}\\)`,
      ),
      app: await appOn(
        new PostgresTokenStore(db, { schema }),
        new RedisRevocationList(redis, { namespace }),
      ),
    }
  },
}

describe.each(Object.keys(deployments))('keyward against %s', (name) => {
  let store: string[]
  let app: Keyward
  let description: RegExp
  beforeAll(async () => {
    ;({ args: store, app, description } = await deployments[name]!())
  })

  it('creates a key, printing only the token on stdout, and the key verifies (the real bin)', async () => {
    const created = await spawnKeyward([
      ...store,
      'keys',
      'create',
      '--owner',
      'org_1',
      '--name',
      'CI deploys',
      '--scope',
      'projects:read,projects:write',
      '--expires-in',
      '30d',
    ])
    expect(created).toMatchObject({ code: 0 })
    expect(created.stdout).toMatch(/^kw_live_[0-9A-Za-z]{38}\n$/)
    const token = created.stdout.trim()
    expect(created.stderr).toMatch(/^Created key_\w{16} "CI deploys" for org_1/)
    await expect(app.verify(token, { scopes: ['projects:write'] })).resolves.toMatchObject({
      ownerId: 'org_1',
    })
  })

  it('lists a page at a time (--limit, --cursor, --status, --name), or streams --all', async () => {
    const ids: string[] = []
    for (const name of ['Device a', 'Billing b', 'device c', 'Billing d', 'Device e']) {
      const { key } = await app.keys.create({
        name,
        ownerId: 'org_page',
        scopes: [],
        expiresIn: '30d',
      })
      ids.push(key.id)
    }
    await app.keys.revoke(ids[3]!)
    const live = [ids[4], ids[2], ids[1], ids[0]]
    const owner = ['--owner', 'org_page']

    const first = await keyward([...store, 'keys', 'list', ...owner, '--limit', '3'])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout.split('\n')[0]).toMatch(/^ID +OWNER +NAME/)
    expect(
      first.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((row) => row.split(' ')[0]),
    ).toEqual(live.slice(0, 3))
    const cursor = /add --cursor (\S+) /.exec(first.stderr)?.[1]
    expect(cursor).toBeDefined()
    const second = await keyward([
      ...store,
      '--json',
      'keys',
      'list',
      ...owner,
      '--cursor',
      cursor!,
    ])
    expect(JSON.parse(second.stdout)).toEqual({
      keys: [expect.objectContaining({ id: ids[0] })],
      nextCursor: null,
    })

    const streamed = await keyward([
      ...store,
      '--json',
      'keys',
      'list',
      ...owner,
      '--all',
      '--limit',
      '1',
    ])
    expect(streamed.code, streamed.stderr).toBe(0)
    const lines = streamed.stdout.trim().split('\n')
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(live)
    const table = await keyward([...store, 'keys', 'list', ...owner, '--all', '--limit', '2'])
    expect(table.stdout.match(/^ID +OWNER/gm)).toHaveLength(1)
    expect(table.stdout.trim().split('\n')).toHaveLength(5)

    const revoked = await keyward([
      ...store,
      '--json',
      'keys',
      'list',
      ...owner,
      '--status',
      'revoked',
    ])
    expect(JSON.parse(revoked.stdout).keys.map((k: { id: string }) => k.id)).toEqual([ids[3]])
    const named = await keyward([...store, '--json', 'keys', 'list', ...owner, '--name', 'DEVICE'])
    expect(JSON.parse(named.stdout).keys.map((k: { name: string }) => k.name)).toEqual([
      'Device e',
      'device c',
      'Device a',
    ])

    for (const [args, field] of [
      [['--limit', '0'], 'limit'],
      [['--limit', '101'], 'limit'],
      [['--status', 'lost'], 'status'],
      [['--cursor', 'forged'], 'cursor'],
    ] as const) {
      const refused = await keyward([...store, '--json', 'keys', 'list', ...owner, ...args])
      expect(refused.code, args.join(' ')).toBe(2)
      expect(JSON.parse(refused.stderr)).toMatchObject({
        error: { code: 'invalid_argument', field },
      })
    }
    const ownerless = await keyward([...store, 'keys', 'list'])
    expect(ownerless.code).toBe(2)
    expect(ownerless.stderr).toMatch(/Give --owner/)
  })

  it('lists, rotates, finds expiring keys and revokes, each effect visible to the app at once', async () => {
    const { token, key } = await app.keys.create({
      name: 'soon',
      ownerId: 'org_2',
      scopes: [],
      expiresIn: '3d',
    })
    await app.verify(token) // cached now: what follows must reach the app through its list
    const list = await keyward([...store, '--json', 'keys', 'list', '--owner', 'org_2'])
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout)).toEqual({
      keys: [expect.objectContaining({ id: key.id, status: 'active' })],
      nextCursor: null,
    })
    expect(list.stdout).not.toContain('hash')

    const everyone = await keyward([...store, 'keys', 'list', '--all'])
    expect(everyone.code).toBe(0)
    expect(everyone.stdout).toMatch(/^ID +OWNER +NAME +HINT +SCOPES +EXPIRES +STATUS\n/)
    expect(everyone.stdout).toContain(key.id)
    expect(everyone.stdout).toMatch(/org_1 +CI deploys/)
    const nobody = await keyward([...store, 'keys', 'list', '--owner', 'org_none'])
    expect(nobody).toMatchObject({ code: 0, stdout: '', stderr: 'No keys.\n' })

    const soon = await keyward([...store, '--json', 'keys', 'expiring', '--within', '7d'])
    expect(JSON.parse(soon.stdout).map((k: { id: string }) => k.id)).toEqual([key.id])
    const notSoon = await keyward([...store, '--json', 'keys', 'expiring', '--within', '1d'])
    expect(JSON.parse(notSoon.stdout)).toEqual([])

    const rotated = await keyward([...store, 'keys', 'rotate', key.id, '--grace', '1h'])
    expect(rotated.code).toBe(0)
    expect(rotated.stderr).toMatch(
      new RegExp(`^Rotated ${key.id} to key_\\w{16}; the old token ends in 1h\\.\\n$`),
    )
    const next = rotated.stdout.trim()
    expect(next).toMatch(/^kw_live_[0-9A-Za-z]{38}$/)
    await expect(app.verify(next)).resolves.toBeDefined()
    await expect(app.verify(token)).resolves.toBeDefined() // in its grace period
    const afterRotation = await keyward([...store, '--json', 'keys', 'list', '--owner', 'org_2'])
    expect(
      JSON.parse(afterRotation.stdout).keys.map((k: { status: string; rotatedFrom?: string }) => [
        k.status,
        k.rotatedFrom,
      ]),
    ).toEqual([
      ['active', key.id],
      ['rotated', undefined],
    ])

    const revoked = await keyward([...store, 'keys', 'revoke', key.id])
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${key.id}.\n` })
    await expect.poll(() => outcome(app, token)).toBe('revoked_token')
    const again = await keyward([...store, 'keys', 'revoke', key.id])
    expect(again).toMatchObject({ code: 0, stdout: `${key.id} was revoked already.\n` })

    const missing = await keyward([...store, 'keys', 'revoke', 'key_0000000000000000'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('key_0000000000000000')
    const missingRotation = await keyward([...store, 'keys', 'rotate', 'key_0000000000000000'])
    expect(missingRotation.code).toBe(3)
  })

  it('rotates until first use: the old token works until the app first verifies the new one', async () => {
    const { token, key } = await app.keys.create({
      name: 'handed over',
      ownerId: 'org_2',
      scopes: [],
      expiresIn: '3d',
    })
    const rotated = await keyward([...store, 'keys', 'rotate', key.id, '--until', 'first-use'])
    expect(rotated.code).toBe(0)
    expect(rotated.stderr).toMatch(
      new RegExp(
        `^Rotated ${key.id} to key_\\w{16}; the old token works until the new one is first used\\.\\n$`,
      ),
    )
    await expect(app.verify(token)).resolves.toMatchObject({ id: key.id })
    const view = await keyward([...store, '--json', 'keys', 'list', '--owner', 'org_2'])
    expect(JSON.parse(view.stdout).keys).toContainEqual(
      expect.objectContaining({ id: key.id, status: 'rotated', rotatedUntil: 'first-use' }),
    )
    await app.verify(rotated.stdout.trim())
    await expect.poll(() => outcome(app, token)).toBe('revoked_token')

    const capped = await app.keys.create({
      name: 'capped',
      ownerId: 'org_2',
      scopes: [],
      expiresIn: '3d',
    })
    const withCap = await keyward([
      ...store,
      'keys',
      'rotate',
      capped.key.id,
      '--until',
      'first-use',
      '--grace',
      '10m',
    ])
    expect(withCap.stderr).toMatch(/works until the new one is first used, at most 10m\.\n$/)
    const refused = await keyward([
      ...store,
      '--json',
      'keys',
      'rotate',
      capped.key.id,
      '--until',
      'later',
    ])
    expect(refused.code).toBe(2)
    expect(JSON.parse(refused.stderr)).toMatchObject({ error: { field: 'until' } })
  })

  it('revoke-all asks for confirmation on stdin, and only the typed owner id confirms', async () => {
    const { token } = await app.keys.create({
      name: 'x',
      ownerId: 'org_3',
      scopes: [],
      expiresIn: '1d',
    })
    await app.verify(token)
    const declined = await keyward([...store, 'revoke-all', '--owner', 'org_3'], { input: 'y\n' })
    expect(declined.code).toBe(5)
    expect(declined.stderr).toMatch(description)
    expect(declined.stderr).toContain('Type the owner id to confirm')
    expect(declined.stderr).toContain('nothing was revoked')
    expect(declined.stdout).toBe('')
    await expect(app.verify(token)).resolves.toBeDefined()

    const noAnswer = await keyward([...store, 'revoke-all', '--everyone'])
    expect(noAnswer.code).toBe(5)
    expect(noAnswer.stderr).toContain('Type "everyone" to confirm')
    await expect(app.verify(token)).resolves.toBeDefined()

    const confirm = name === 'Redis' ? spawnKeyward : keyward // the real bin reading a pipe, once
    const confirmed = await confirm([...store, 'revoke-all', '--owner', 'org_3'], {
      input: 'org_3\n',
    })
    expect(confirmed.code).toBe(0)
    expect(confirmed.stdout).toMatch(/^Revoked every key of org_3 created up to \d{4}-/)
    await expect.poll(() => outcome(app, token)).toBe('revoked_token')
  })

  it('revoke-all --everyone --yes revokes every key of every owner', async () => {
    const a = await app.keys.create({ name: 'a', ownerId: 'org_4', scopes: [], expiresIn: '1d' })
    const b = await app.keys.create({ name: 'b', ownerId: 'org_5', scopes: [], expiresIn: '1d' })
    await app.verify(a.token)
    const result = await keyward([...store, '--json', 'revoke-all', '--everyone', '--yes'])
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(result.stdout)).toMatchObject({ ownerId: null })
    await expect.poll(() => outcome(app, a.token)).toBe('revoked_token')
    await expect.poll(() => outcome(app, b.token)).toBe('revoked_token')
    const after = await keyward([...store, '--json', 'keys', 'expiring', '--within', '30d'])
    expect(JSON.parse(after.stdout)).toEqual([])
  })

  it('suspends with a reason and resumes, each effect visible to the app at once', async () => {
    const { token, key } = await app.keys.create({
      name: 'paused',
      ownerId: 'org_6',
      scopes: [],
      expiresIn: '1d',
    })
    await app.verify(token) // cached now: the suspension must reach the app through its list
    const tooLong = await keyward([
      ...store,
      '--json',
      'keys',
      'suspend',
      key.id,
      '--reason',
      'x'.repeat(201),
    ])
    expect(tooLong.code).toBe(2)
    expect(JSON.parse(tooLong.stderr)).toMatchObject({
      error: { code: 'invalid_argument', field: 'reason' },
    })
    expect(await outcome(app, token)).toBe('verified')
    const suspended = await keyward([
      ...store,
      'keys',
      'suspend',
      key.id,
      '--reason',
      'unpaid invoice',
    ])
    expect(suspended).toMatchObject({
      code: 0,
      stdout: `Suspended ${key.id} (unpaid invoice); it is refused until resumed.\n`,
    })
    await expect.poll(() => outcome(app, token)).toBe('suspended_token')
    const listed = await keyward([...store, '--json', 'keys', 'list', '--owner', 'org_6'])
    expect(JSON.parse(listed.stdout).keys).toEqual([
      expect.objectContaining({
        id: key.id,
        status: 'suspended',
        suspendReason: 'unpaid invoice',
        suspendedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      }),
    ])
    const table = await keyward([...store, 'keys', 'list', '--owner', 'org_6'])
    expect(table.stdout).toMatch(new RegExp(`${key.id} .* suspended\n$`))
    // A suspended key cannot be rotated (key_inactive: refused, exit 3); suspending again is a no-op.
    const rotation = await keyward([...store, 'keys', 'rotate', key.id])
    expect(rotation.code).toBe(3)
    expect((await keyward([...store, 'keys', 'suspend', key.id])).code).toBe(0)

    const resumed = await keyward([...store, '--json', 'keys', 'resume', key.id])
    expect(resumed.code).toBe(0)
    const view = JSON.parse(resumed.stdout) as Record<string, unknown>
    expect(view).toMatchObject({ id: key.id, status: 'active' })
    expect(view).not.toHaveProperty('suspendedAt')
    await expect.poll(() => outcome(app, token)).toBe('verified')
    const human = await keyward([...store, 'keys', 'resume', key.id])
    expect(human).toMatchObject({ code: 0, stdout: `Resumed ${key.id}; it is active.\n` })

    await keyward([...store, 'keys', 'revoke', key.id])
    const afterRevoke = await keyward([...store, 'keys', 'resume', key.id])
    expect(afterRevoke.code).toBe(3)
    const missing = await keyward([...store, 'keys', 'suspend', 'key_0000000000000000'])
    expect(missing.code).toBe(3)
  })

  it('creates with --allow-ip and changes or clears the rules with keys update, the app following at once', async () => {
    const created = await keyward([
      ...store,
      '--json',
      'keys',
      'create',
      '--owner',
      'org_7',
      '--name',
      'office',
      '--expires-in',
      '1d',
      '--allow-ip',
      '203.0.113.0/24',
      '--allow-ip',
      '2001:db8::/32,10.1.2.3',
    ])
    expect(created.code).toBe(0)
    const { token, key } = JSON.parse(created.stdout) as {
      token: string
      key: { id: string; allowedIps: string[] }
    }
    expect(key.allowedIps).toEqual(['203.0.113.0/24', '2001:db8::/32', '10.1.2.3'])
    expect(await outcome(app, token, '203.0.113.7')).toBe('verified')
    expect(await outcome(app, token, '::ffff:203.0.113.9')).toBe('verified')
    expect(await outcome(app, token, '198.51.100.1')).toBe('ip_not_allowed')

    const moved = await keyward([
      ...store,
      'keys',
      'update',
      key.id,
      '--name',
      'branch office',
      '--allow-ip',
      '198.51.100.0/24',
    ])
    expect(moved).toMatchObject({
      code: 0,
      stdout: `Updated ${key.id}: "branch office", usable only from 198.51.100.0/24.\n`,
    })
    await expect.poll(() => outcome(app, token, '203.0.113.7')).toBe('ip_not_allowed')
    expect(await outcome(app, token, '198.51.100.1')).toBe('verified')

    const cleared = await keyward([...store, 'keys', 'update', key.id, '--clear-allowed-ips'])
    expect(cleared).toMatchObject({
      code: 0,
      stdout: `Updated ${key.id}: "branch office", usable from anywhere.\n`,
    })
    await expect.poll(() => outcome(app, token, '203.0.113.7')).toBe('verified')
    const listed = await keyward([...store, '--json', 'keys', 'list', '--owner', 'org_7'])
    expect(JSON.parse(listed.stdout).keys[0]).not.toHaveProperty('allowedIps')

    const bad = await keyward([
      ...store,
      '--json',
      'keys',
      'update',
      key.id,
      '--allow-ip',
      '10.0.0.0/8,10.0.0.0/33',
    ])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stderr)).toMatchObject({
      error: { code: 'invalid_argument', field: 'allowedIps[1]' },
    })
  })

  it('refuses bad input with exit 2, saying which field, as JSON with --json', async () => {
    const badInput = await keyward([
      ...store,
      '--json',
      'keys',
      'create',
      '--owner',
      'o',
      '--name',
      'n',
      '--expires-in',
      '900d',
    ])
    expect(badInput.code).toBe(2)
    expect(JSON.parse(badInput.stderr)).toMatchObject({
      error: { code: 'invalid_argument', field: 'expiresIn' },
    })
    const noOwner = await keyward([...store, 'keys', 'create', '--name', 'n', '--expires-in', '1d'])
    expect(noOwner).toMatchObject({
      code: 2,
      stderr: 'keyward: --owner is required with a store backend.\n',
    })
  })

  it('keyward audit shows what the CLI changed, in the shared log, a page at a time', async () => {
    const owner = `org_audit_${name.length}`
    const create = (keyName: string) =>
      keyward([
        ...store,
        'keys',
        'create',
        '--owner',
        owner,
        '--name',
        keyName,
        '--expires-in',
        '1d',
      ])
    expect((await create('first')).code).toBe(0)
    const second = await create('second')
    const keyId = /^Created (key_\w{16})/.exec(second.stderr)![1]!
    expect((await keyward([...store, 'keys', 'revoke', keyId])).code).toBe(0)

    const json = await keyward([...store, '--json', 'audit', '--owner', owner, '--since', '1h'])
    expect(json.code, json.stderr).toBe(0)
    const page = JSON.parse(json.stdout) as { events: { type: string; keyId: string }[] }
    expect(page.events.map((event) => event.type)).toEqual(['revoked', 'created', 'created'])
    const byKey = await keyward([...store, '--json', 'audit', '--owner', owner, '--key', keyId])
    expect(JSON.parse(byKey.stdout).events.map((event: { type: string }) => event.type)).toEqual([
      'revoked',
      'created',
    ])
    const table = await keyward([
      ...store,
      'audit',
      '--owner',
      owner,
      '--type',
      'created',
      '--limit',
      '1',
    ])
    expect(table.code).toBe(0)
    const lines = table.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^TIME +TYPE +KEY +ACTOR +FROM +CHANGED$/)
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^\\S+Z +created +${keyId} `)),
    ])
    expect(table.stderr).toMatch(/^More events follow: add --cursor \S+\.$/m)

    const noOwner = await keyward([...store, 'audit'])
    expect(noOwner).toMatchObject({ code: 2 })
    expect(noOwner.stderr).toMatch(/--owner/)
    const badSince = await keyward([
      ...store,
      '--json',
      'audit',
      '--owner',
      owner,
      '--since',
      'soon',
    ])
    expect(badSince.code).toBe(2)
    expect(JSON.parse(badSince.stderr)).toMatchObject({ error: { field: 'since' } })
  })
})

describe('keyward keys create and the prefixes a deployment issues', () => {
  const namespace = `${RUN}_prefix`
  const store = ['--redis', REDIS_URL, '--namespace', namespace]
  const create = (args: string[] = [], env: Record<string, string> = {}) =>
    keyward(
      [
        ...store,
        'keys',
        'create',
        '--owner',
        'org_p',
        '--name',
        'p',
        '--expires-in',
        '1d',
        ...args,
      ],
      { env },
    )

  it('warns in one line on stderr when no key of the deployment has the prefix it issues', async () => {
    // A deployment like the examples': it accepts and issues kw_test only.
    const app = createKeyward({
      prefixes: ['kw_test'],
      store: new RedisTokenStore(redis, { namespace }),
      revocations: new RedisRevocationList(redis, { namespace }),
      onError: () => {},
    })
    apps.push(app)
    await app.ready()
    const first = await create(['--prefix', 'kw_test']) // an empty store shows nothing to compare
    expect(first.code).toBe(0)
    expect(first.stderr).toMatch(/^Created key_\w{16} "p" for org_p/)

    const byDefault = await create()
    expect(byDefault.code).toBe(0)
    const [warning, created, ...rest] = byDefault.stderr.split('\n')
    expect(warning).toMatch(
      new RegExp(
        `^keyward: warning: the keys in Redis at \\S+ \\(namespace ${namespace}\\) have the prefix kw_test, not kw_live; applications that accept only those refuse this token as malformed \\(set --prefix or KEYWARD_PREFIX\\)\\.$`,
      ),
    )
    expect(created).toMatch(/^Created key_/)
    expect(rest).toEqual([''])
    await expect(outcome(app, byDefault.stdout.trim())).resolves.toBe('malformed_token')

    for (const agreeing of [
      await create(['--prefix', 'kw_test']),
      await create([], { KEYWARD_PREFIX: 'kw_test' }),
    ]) {
      expect(agreeing.code).toBe(0)
      expect(agreeing.stderr).toMatch(/^Created key_/)
      await expect(app.verify(agreeing.stdout.trim())).resolves.toMatchObject({ ownerId: 'org_p' })
    }
  })

  it('refuses a malformed prefix as a usage error naming where it came from, before touching the store', async () => {
    for (const [args, env, named] of [
      [['--prefix', 'KW-Live'], {}, '--prefix'],
      [[], { KEYWARD_PREFIX: 'kw live' }, 'KEYWARD_PREFIX'],
    ] as const) {
      const run = await create([...args], env)
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toBe(
        `keyward: ${named} must be lower-case letters and digits in underscore-separated words, at most 20 characters (kw_live, acme).\n`,
      )
    }
  })
})

describe('keyward finding its store', () => {
  let schema: string
  let app: Keyward
  beforeAll(async () => {
    schema = await schemaFor('env')
    app = await appOn(
      new PostgresTokenStore(db, { schema }),
      new PostgresRevocationList(db, { schema, onError: () => {} }),
    )
    await app.keys.create({ name: 'e', ownerId: 'org_env', scopes: [], expiresIn: '1d' })
  })

  /** Which deployment a run would act on, from the revoke-all confirmation (then declined). */
  const target = async (args: string[], env: Record<string, string>) => {
    const { code, stderr } = await keyward([...args, 'revoke-all', '--everyone'], { env })
    expect(code, stderr).toBe(5)
    return /EVERY owner in (.*), at once/.exec(stderr)?.[1]
  }

  it('reads DATABASE_URL and DATABASE_SCHEMA; with REDIS_URL too, revocations go through Redis', async () => {
    const env = { DATABASE_URL, DATABASE_SCHEMA: schema }
    const listed = await keyward(['--json', 'keys', 'list', '--all'], { env })
    expect(listed.code, listed.stderr).toBe(0)
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([expect.objectContaining({ ownerId: 'org_env' })])

    expect(await target([], env)).toMatch(new RegExp(`^PostgreSQL at \\S+ \\(schema ${schema}\\)$`))
    expect(await target([], { ...env, REDIS_URL, KEYWARD_NAMESPACE: `${RUN}_env` })).toMatch(
      new RegExp(
        `\\(schema ${schema}\\), revocations through Redis at \\S+ \\(namespace ${RUN}_env\\)$`,
      ),
    )
    // Options name the deployment completely: the environment's stores are then ignored.
    expect(await target(['--redis', REDIS_URL, '--namespace', `${RUN}_env`], env)).toMatch(
      /^Redis at /,
    )
    expect(await target(['--database', DATABASE_URL, '--schema', schema], { REDIS_URL })).toMatch(
      /^PostgreSQL at \S+ \(schema \S+\)$/,
    )
  })

  it('says what is wrong with a database, with exit 2 or 4 and never its password', async () => {
    const noTables = await keyward([
      '--database',
      DATABASE_URL,
      '--schema',
      `${RUN}_none`,
      'keys',
      'list',
    ])
    expect(noTables.code).toBe(2)
    expect(noTables.stderr).toMatch(
      new RegExp(`no Keyward tables in schema ${RUN}_none: check --schema`),
    )

    const badSchema = await keyward([
      '--json',
      '--database',
      DATABASE_URL,
      '--schema',
      'Bad-Name',
      'keys',
      'list',
    ])
    expect(badSchema.code).toBe(2)
    expect(JSON.parse(badSchema.stderr)).toMatchObject({ error: { field: 'schema' } })

    const down = await keyward([
      '--database',
      'postgres://user:hunter22@127.0.0.1:1/test',
      'keys',
      'list',
    ])
    expect(down.code).toBe(4)
    expect(down.stderr).toMatch(
      /^keyward: Cannot reach PostgreSQL at postgres:\/\/\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    )
    expect(down.stderr).not.toContain('hunter22')
    const inQuery = await keyward([
      '--database',
      'postgres://127.0.0.1:1/test?password=hunter22',
      'keys',
      'list',
    ])
    expect(inQuery.code).toBe(4)
    expect(inQuery.stderr).toContain('password=***')
    expect(inQuery.stderr).not.toContain('hunter22')

    const redisDown = await keyward([
      '--database',
      DATABASE_URL,
      '--schema',
      schema,
      '--redis',
      'redis://:hunter22@127.0.0.1:1',
      'keys',
      'list',
    ])
    expect(redisDown.code).toBe(4)
    expect(redisDown.stderr).toMatch(/Cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/)
    expect(redisDown.stderr).not.toContain('hunter22')

    const both = await keyward([
      '--database',
      DATABASE_URL,
      '--api',
      'http://127.0.0.1:1',
      'keys',
      'list',
    ])
    expect(both).toMatchObject({
      code: 2,
      stderr: 'keyward: Give --api or a store (--redis, --database), not both.\n',
    })
  })
})
