import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createKeyward, generateToken, type Keyward } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../src/program.js'

// The CLI as a user runs it: the real `keyward` bin in its own process (through tsx, so the
// workspace sources are used), against real Redis and a running example server, reading
// stdout, stderr and the exit code.

const root = fileURLToPath(new URL('../../..', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

interface Result {
  code: number | null
  stdout: string
  stderr: string
}

function keyward(
  args: string[],
  { env = {}, input }: { env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: 'tsconfig.test.json',
      REDIS_URL: '',
      KEYWARD_API_TOKEN: '',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  if (input !== undefined) child.stdin.write(input)
  child.stdin.end()
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('keyward against Redis', () => {
  const namespace = `kwcli-${process.pid}-${Date.now()}`
  const store = ['--redis', REDIS_URL, '--namespace', namespace]
  let redis: Redis
  let app: Keyward

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
    await redis.ping()
    // An application instance sharing the store, as a running app would.
    app = createKeyward({
      prefixes: ['kw_live', 'kw_test'],
      store: new RedisTokenStore(redis, { namespace }),
      revocations: new RedisRevocationList(redis, { namespace }),
    })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    if (redis) {
      const keys = await redis.keys(`*${namespace}*`)
      if (keys.length > 0) await redis.del(...keys)
      await redis.quit()
    }
  })

  it('creates a key, printing only the token on stdout, and the key verifies', async () => {
    const created = await keyward([
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

  it('lists, rotates, finds expiring keys and revokes, each effect visible to the app at once', async () => {
    const { token, key } = await app.keys.create({
      name: 'soon',
      ownerId: 'org_2',
      scopes: [],
      expiresIn: '3d',
    })
    const list = await keyward([...store, '--json', 'keys', 'list', '--owner', 'org_2'])
    expect(list.code).toBe(0)
    const listed = JSON.parse(list.stdout)
    expect(listed).toEqual([expect.objectContaining({ id: key.id, status: 'active' })])
    expect(list.stdout).not.toContain('hash')

    const everyone = await keyward([...store, 'keys', 'list'])
    expect(everyone.stdout).toContain(key.id)
    expect(everyone.stdout).toMatch(/org_1/)

    const soon = await keyward([...store, '--json', 'keys', 'expiring', '--within', '7d'])
    expect(JSON.parse(soon.stdout).map((k: { id: string }) => k.id)).toEqual([key.id])
    const notSoon = await keyward([...store, '--json', 'keys', 'expiring', '--within', '1d'])
    expect(JSON.parse(notSoon.stdout)).toEqual([])

    const rotated = await keyward([...store, 'keys', 'rotate', key.id, '--grace', '1h'])
    expect(rotated.code).toBe(0)
    const next = rotated.stdout.trim()
    expect(next).toMatch(/^kw_live_/)
    await expect(app.verify(next)).resolves.toBeDefined()
    await expect(app.verify(token)).resolves.toBeDefined() // in its grace period

    const revoked = await keyward([...store, 'keys', 'revoke', key.id])
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${key.id}.\n` })
    await expect(app.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })

    const missing = await keyward([...store, 'keys', 'revoke', 'key_0000000000000000'])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('key_0000000000000000')
  })

  it('revoke-all asks for confirmation on stdin, and only the typed owner id confirms', async () => {
    const { token } = await app.keys.create({
      name: 'x',
      ownerId: 'org_3',
      scopes: [],
      expiresIn: '1d',
    })
    const declined = await keyward([...store, 'revoke-all', '--owner', 'org_3'], { input: 'y\n' })
    expect(declined.code).toBe(5)
    expect(declined.stderr).toContain('Type the owner id to confirm')
    expect(declined.stderr).toContain('nothing was revoked')
    await expect(app.verify(token)).resolves.toBeDefined()

    const noAnswer = await keyward([...store, 'revoke-all', '--everyone'], { input: '' })
    expect(noAnswer.code).toBe(5)

    const confirmed = await keyward([...store, 'revoke-all', '--owner', 'org_3'], {
      input: 'org_3\n',
    })
    expect(confirmed.code).toBe(0)
    expect(confirmed.stdout).toMatch(/^Revoked every key of org_3/)
    await expect(app.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  it('revoke-all --everyone --yes revokes every key of every owner', async () => {
    const a = await app.keys.create({ name: 'a', ownerId: 'org_4', scopes: [], expiresIn: '1d' })
    const b = await app.keys.create({ name: 'b', ownerId: 'org_5', scopes: [], expiresIn: '1d' })
    const result = await keyward([...store, '--json', 'revoke-all', '--everyone', '--yes'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ ownerId: null })
    await expect(app.verify(a.token)).rejects.toMatchObject({ code: 'revoked_token' })
    await expect(app.verify(b.token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  it('says what was wrong, on stderr, with a meaningful exit code and never a secret', async () => {
    const noBackend = await keyward(['keys', 'list'])
    expect(noBackend.code).toBe(2)
    expect(noBackend.stderr).toMatch(/--redis URL/)

    const down = await keyward(['--redis', 'redis://user:hunter22@127.0.0.1:1', 'keys', 'list'])
    expect(down.code).toBe(4)
    expect(down.stderr).toMatch(/Cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/)
    expect(down.stderr).not.toContain('hunter22')

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

    const unknown = await keyward(['keys', 'frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/)
  })
})

describe('keyward check and scan (offline)', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyward-scan-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('check: exit 0 for a well-formed token, 1 for a wrong checksum, never echoing it', async () => {
    const token = generateToken('kw_live')
    const ok = await keyward(['check', token])
    expect(ok).toMatchObject({ code: 0 })
    expect(ok.stdout).toBe(`Well-formed kw_live token ${token.slice(0, 12)}…\n`)

    const typo = `${token.slice(0, 20)}${token[20] === 'a' ? 'b' : 'a'}${token.slice(21)}`
    const bad = await keyward(['check', typo])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/checksum/)
    expect(bad.stderr + bad.stdout).not.toContain(typo)

    const fromStdin = await keyward(['--json', 'check', '-', '--prefix', 'kw_test'], {
      input: `${token}\n`,
    })
    expect(fromStdin.code).toBe(1)
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ valid: false })
  })

  it('scan: finds planted tokens by prefix and checksum, ignores look-alikes, exits 1', async () => {
    const live = generateToken('kw_live')
    const test = generateToken('acme_test')
    const lookAlike = `${live.slice(0, -6)}${live.endsWith('000000') ? '000001' : '000000'}`
    const randomBody = `kw_live_${'aB3'.repeat(12)}xy`
    await mkdir(join(dir, 'src'), { recursive: true })
    await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true })
    await writeFile(join(dir, 'src', 'config.ts'), `export const key = '${live}'\n`)
    await writeFile(join(dir, '.env'), `# keys\nA=${lookAlike}\nB=${randomBody}\nC=x_${test}\n`)
    await writeFile(join(dir, 'node_modules', 'dep', 'index.js'), `'${generateToken('kw_live')}'`)
    await writeFile(join(dir, 'clean.txt'), 'nothing here kw_live_ but words\n')

    const found = await keyward(['scan', dir])
    expect(found.code).toBe(1)
    expect(found.stdout.trim().split('\n')).toEqual([
      `${join(dir, '.env')}:4:5: acme_test token ${test.slice(0, 14)}…`,
      `${join(dir, 'src', 'config.ts')}:1:21: kw_live token ${live.slice(0, 12)}…`,
    ])
    expect(found.stdout + found.stderr).not.toContain(live)
    expect(found.stdout + found.stderr).not.toContain(test)
    expect(found.stderr).toMatch(/Found 2 Keyward tokens in 2 files/)

    const onlyLive = await keyward(['--json', 'scan', dir, '--prefix', 'kw_live'])
    expect(JSON.parse(onlyLive.stdout)).toEqual([
      expect.objectContaining({ path: join(dir, 'src', 'config.ts'), line: 1, prefix: 'kw_live' }),
    ])

    const clean = await keyward(['scan', join(dir, 'clean.txt')])
    expect(clean).toMatchObject({ code: 0, stdout: '' })
    const missing = await keyward(['scan', join(dir, 'nope')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('nope')
  })
})

describe('keyward --help', () => {
  it('answers --help for every command, exit 0', async () => {
    const commands = [
      [],
      ['keys'],
      ['keys', 'list'],
      ['keys', 'create'],
      ['keys', 'rotate'],
      ['keys', 'revoke'],
      ['keys', 'expiring'],
      ['revoke-all'],
      ['check'],
      ['scan'],
    ]
    for (const command of commands) {
      let stdout = ''
      const io = {
        stdout: {
          write: (text: string) => {
            stdout += text
          },
        },
        stderr: { write: () => true },
        stdin: new PassThrough(),
        env: {},
      }
      expect(await run([...command, '--help'], io)).toBe(0)
      expect(stdout).toMatch(new RegExp(`^Usage: keyward ${command.join(' ')}`.trimEnd()))
    }
  })
})

describe('keyward against a running example app (--api)', () => {
  let server: ReturnType<typeof spawn>
  let url: string
  let adminToken: string

  beforeAll(async () => {
    server = spawn(`${root}node_modules/.bin/tsx`, ['src/main.ts'], {
      cwd: `${root}examples/express-api`,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REDIS_URL: '', ADMIN_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the example did not start')), 30_000)
      createInterface({ input: server.stdout! }).on('line', (line) => {
        url ??= /listening on (http:\/\/\S+)/.exec(line)?.[1] as string
        adminToken ??= /^admin token: (\S+)$/.exec(line)?.[1] as string
        if (url && adminToken) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  })
  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      process.kill(server.pid, 'SIGTERM')
      await exited
    }
  })

  it('creates, lists, rotates and revokes through the management API', async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const api = ['--api', `${url}/api-keys`]
    const created = await keyward(
      [
        ...api,
        'keys',
        'create',
        '--name',
        'from the CLI',
        '--scope',
        'projects:read',
        '--expires-in',
        '86400',
      ],
      { env },
    )
    expect(created.code).toBe(0)
    const token = created.stdout.trim()
    expect(token).toMatch(/^kw_test_[0-9A-Za-z]{38}$/)
    const whoami = await fetch(`${url}/v1/projects`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(whoami.status).toBe(200)

    const list = await keyward([...api, '--json', 'keys', 'list'], { env })
    const keys = JSON.parse(list.stdout) as { id: string; name: string }[]
    const mine = keys.find((key) => key.name === 'from the CLI')!
    expect(mine).toBeDefined()

    const rotated = await keyward([...api, 'keys', 'rotate', mine.id], { env })
    expect(rotated.code).toBe(0)
    const old = await fetch(`${url}/v1/projects`, { headers: { authorization: `Bearer ${token}` } })
    expect(old.status).toBe(401)

    const otherOwner = await keyward([...api, 'keys', 'list', '--owner', 'org_9'], { env })
    expect(otherOwner.code).toBe(2)
    expect(otherOwner.stderr).toMatch(/only the owner of KEYWARD_API_TOKEN \(admin\)/)
    const everyone = await keyward([...api, 'revoke-all', '--everyone', '--yes'], { env })
    expect(everyone.code).toBe(2)
  })

  it('refuses a missing or wrong admin token without printing it', async () => {
    const api = ['--api', `${url}/api-keys`]
    const none = await keyward([...api, 'keys', 'list'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/Set KEYWARD_API_TOKEN/)

    const wrong = generateToken('kw_test')
    const refused = await keyward([...api, 'keys', 'list'], { env: { KEYWARD_API_TOKEN: wrong } })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/refused/)
    expect(refused.stderr).not.toContain(wrong)
  })

  it('revoke-all --owner of the admin revokes the admin token itself', async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const result = await keyward(['--api', `${url}/api-keys`, 'revoke-all', '--owner', 'admin'], {
      env,
      input: 'admin\n',
    })
    expect(result.code).toBe(0)
    const after = await fetch(`${url}/api-keys`, {
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(after.status).toBe(401)
  })
})
