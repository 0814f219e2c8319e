import type { ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { generateToken } from '@keyward/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnExample } from '../../../test/support/example-process.js'
import { stopProcess } from '../../../test/support/processes.js'
import { keyward, spawnKeyward } from './support.js'

// The CLI as a user runs it, reading stdout, stderr and the exit code: in-process through the
// program's `run()` entry (what the bin calls), and the real `keyward` bin in its own process
// where the process matters (the exit status a hook sees, a token piped out). The stores are
// in ./stores.test.ts.

describe('keyward usage errors', () => {
  it('says what was wrong, on stderr, with a meaningful exit code and never a secret', async () => {
    const noBackend = await keyward(['keys', 'list'])
    expect(noBackend.code).toBe(2)
    expect(noBackend.stderr).toMatch(
      /--redis URL \(or REDIS_URL\), --database URL \(or DATABASE_URL\)/,
    )

    const down = await keyward(['--redis', 'redis://user:hunter22@127.0.0.1:1', 'keys', 'list'])
    expect(down.code).toBe(4)
    expect(down.stderr).toMatch(/Cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/)
    expect(down.stderr).not.toContain('hunter22')

    const unknown = await keyward(['keys', 'frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/)
    const both = await keyward([
      'keys',
      'update',
      'key_0000000000000000',
      '--allow-ip',
      '10.0.0.0/8',
      '--clear-allowed-ips',
    ])
    expect(both).toMatchObject({
      code: 2,
      stderr: 'keyward: Give --allow-ip (the new list) or --clear-allowed-ips, not both.\n',
    })
    const nothing = await keyward(['keys', 'update', 'key_0000000000000000'])
    expect(nothing).toMatchObject({
      code: 2,
      stderr: 'keyward: Nothing to change: give --name, --allow-ip or --clear-allowed-ips.\n',
    })
    const noExpiry = await keyward(['keys', 'create', '--name', 'n', '--owner', 'o'])
    expect(noExpiry).toMatchObject({
      code: 2,
      stderr: 'keyward: Give --expires-in or --expires-at.\n',
    })
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

  it('check: says which part of a malformed token is wrong: prefix, length, alphabet or checksum', async () => {
    const token = generateToken('kw_live')
    const cases = [
      ['prefix', `KW${token.slice(2)}`, /does not start with a prefix and _ \(like kw_live_\)/],
      ['length', token.slice(0, -1), /after its last _ is 37 characters long, not 38/],
      ['alphabet', `${token.slice(0, 20)}-${token.slice(21)}`, /^Character 21 is not a letter/],
      [
        'checksum',
        `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`,
        /checksum .* does not match/,
      ],
    ] as const
    for (const [part, given, reason] of cases) {
      const human = await keyward(['check', given])
      expect(human).toMatchObject({ code: 1, stdout: '' })
      expect(human.stderr).toMatch(new RegExp(`^Malformed \\(${part}\\): .+\n$`))
      const json = await keyward(['--json', 'check', '-'], { input: `${given}\n` })
      expect(json.code).toBe(1)
      const answer = JSON.parse(json.stdout) as { part: string; reason: string }
      expect(answer).toMatchObject({ valid: false, part })
      expect(answer.reason).toMatch(reason)
      expect(human.stderr + json.stdout).not.toContain(token.slice(8, 40))
    }
    const notAccepted = await keyward(['--json', 'check', token, '--prefix', 'kw_test'])
    expect(JSON.parse(notAccepted.stdout)).toEqual({
      valid: false,
      part: 'prefix',
      reason: 'Its prefix is not kw_test.',
    })
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

    const found = await spawnKeyward(['scan', dir]) // the exit status a hook or CI step sees
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

    const clean = await spawnKeyward(['scan', join(dir, 'clean.txt')])
    expect(clean).toMatchObject({ code: 0, stdout: '' })
    const missing = await keyward(['scan', join(dir, 'nope')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('nope')
  })

  it('scan: follows a symbolic link named on the command line, and never calls an unreadable path clean', async () => {
    const token = generateToken('kw_live')
    const checkout = join(dir, 'linked', 'checkout')
    await mkdir(checkout, { recursive: true })
    await writeFile(join(checkout, '.env'), `KEY=${token}\n`)
    await symlink(checkout, join(dir, 'linked', 'app'))
    await symlink(join(checkout, '.env'), join(dir, 'linked', '.env'))
    await symlink(join(dir, 'linked', 'gone'), join(dir, 'linked', 'dangling'))

    const viaDirectory = await spawnKeyward(['scan', join(dir, 'linked', 'app')])
    expect(viaDirectory.code).toBe(1)
    expect(viaDirectory.stdout).toBe(
      `${join(dir, 'linked', 'app', '.env')}:1:5: kw_live token ${token.slice(0, 12)}…\n`,
    )
    const viaFile = await keyward(['scan', join(dir, 'linked', '.env')])
    expect(viaFile.code).toBe(1)
    expect(viaFile.stdout).toContain(`${join(dir, 'linked', '.env')}:1:5: kw_live token`)

    // Inside a directory, links stay unfollowed: the file is found once, through its real path.
    const walked = await keyward(['--json', 'scan', join(dir, 'linked')])
    expect(JSON.parse(walked.stdout).map((f: { path: string }) => f.path)).toEqual([
      join(checkout, '.env'),
    ])

    const dangling = await spawnKeyward(['scan', join(dir, 'linked', 'dangling')])
    expect(dangling.code).toBe(2)
    expect(dangling.stderr).toBe(
      `keyward: Cannot read ${join(dir, 'linked', 'dangling')}: no such file or directory, or a symbolic link to none (ENOENT).\n`,
    )
    expect(dangling.stderr).not.toMatch(/No Keyward token/)
    const notAFile = await keyward(['scan', '/dev/null'])
    expect(notAFile).toMatchObject({
      code: 2,
      stderr: 'keyward: /dev/null is not a file or directory.\n',
    })
  })
})

describe('keyward --help', () => {
  const commands = [
    [],
    ['keys'],
    ['keys', 'list'],
    ['keys', 'create'],
    ['keys', 'update'],
    ['keys', 'rotate'],
    ['keys', 'suspend'],
    ['keys', 'resume'],
    ['keys', 'revoke'],
    ['keys', 'expiring'],
    ['revoke-all'],
    ['check'],
    ['scan'],
  ]

  it('answers --help for every command, exit 0', async () => {
    for (const command of commands) {
      const help = await keyward([...command, '--help'])
      expect(help.code).toBe(0)
      expect(help.stdout).toMatch(new RegExp(`^Usage: keyward ${command.join(' ')}`.trimEnd()))
    }
  })

  it("shows exactly one example, a keyward command line, in every command's --help", async () => {
    for (const command of commands) {
      const help = await keyward([...command, '--help'])
      expect(help.stdout.match(/^Example:$/gm), command.join(' ')).toHaveLength(1)
      expect(help.stdout).toMatch(/\nExample:\n {2}(\S+=\S+ )?\S*keyward .+\n$/)
    }
  })

  it('prints the help for a bare keyward, on stdout, exit 0 as --help does (the real bin)', async () => {
    const bare = await spawnKeyward([])
    const help = await keyward(['--help'])
    expect(bare).toMatchObject({ code: 0, stderr: '', stdout: help.stdout })
    expect(bare.stdout).toMatch(/^Usage: keyward \[options\] \[command\]\n/)
  })
})

describe('keyward against a running example app (--api)', () => {
  let server: ChildProcess
  let url: string
  let adminToken: string

  beforeAll(async () => {
    server = spawnExample('examples/express-api')
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
  afterAll(() => stopProcess(server))

  it('creates, lists, rotates and revokes through the management API', async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const api = ['--api', `${url}/api-keys`]
    const created = await spawnKeyward(
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
    const { keys } = JSON.parse(list.stdout) as { keys: { id: string; name: string }[] }
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

  it("reads the owner's audit log through the management API, with where each change came from", async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const api = ['--api', `${url}/api-keys`]
    const created = await keyward(
      [...api, 'keys', 'create', '--name', 'audited', '--expires-in', '1d'],
      { env },
    )
    const keyId = /^Created (key_\w{16})/.exec(created.stderr)![1]!
    // The app writes its audit log within a second: poll, bounded.
    let events: { type: string; keyId: string; actor: string; clientIp?: string }[] = []
    for (let attempt = 0; attempt < 60 && events.length === 0; attempt++) {
      const audit = await keyward([...api, '--json', 'audit', '--key', keyId], { env })
      expect(audit.code, audit.stderr).toBe(0)
      events = JSON.parse(audit.stdout).events
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(events).toEqual([
      expect.objectContaining({ type: 'created', keyId, actor: expect.stringMatching(/^key:/) }),
    ])
    expect(events[0]!.clientIp).toMatch(/127\.0\.0\.1|::1/)
    const other = await keyward([...api, 'audit', '--owner', 'org_9'], { env })
    expect(other.code).toBe(2)
  })

  it('suspends, resumes and changes the allowed IPs through the management API, the app following', async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const api = ['--api', `${url}/api-keys`]
    const projects = async (token: string) => {
      const response = await fetch(`${url}/v1/projects`, {
        headers: { authorization: `Bearer ${token}` },
      })
      const body = (await response.json()) as { code?: string }
      return { status: response.status, code: body.code }
    }
    const created = await keyward(
      [
        ...api,
        '--json',
        'keys',
        'create',
        '--name',
        'paused from the CLI',
        '--scope',
        'projects:read',
        '--expires-in',
        '1d',
        '--allow-ip',
        '127.0.0.1,::1',
      ],
      { env },
    )
    expect(created.code).toBe(0)
    const { token, key } = JSON.parse(created.stdout) as {
      token: string
      key: { id: string; allowedIps: string[] }
    }
    expect(key.allowedIps).toEqual(['127.0.0.1', '::1'])
    expect((await projects(token)).status).toBe(200)

    const suspended = await keyward([...api, 'keys', 'suspend', key.id, '--reason', 'audit'], {
      env,
    })
    expect(suspended).toMatchObject({
      code: 0,
      stdout: `Suspended ${key.id} (audit); it is refused until resumed.\n`,
    })
    expect(await projects(token)).toEqual({ status: 401, code: 'suspended_token' })
    const resumed = await keyward([...api, '--json', 'keys', 'resume', key.id], { env })
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id: key.id, status: 'active' })
    expect((await projects(token)).status).toBe(200)

    const elsewhere = await keyward(
      [...api, 'keys', 'update', key.id, '--allow-ip', '10.0.0.0/8'],
      {
        env,
      },
    )
    expect(elsewhere.code).toBe(0)
    expect(await projects(token)).toEqual({ status: 403, code: 'ip_not_allowed' })
    const bad = await keyward(
      [...api, '--json', 'keys', 'update', key.id, '--allow-ip', '10.0.0.0/8,not-an-ip'],
      { env },
    )
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stderr)).toMatchObject({
      error: { code: 'invalid_argument', field: 'allowedIps[1]' },
    })
    const cleared = await keyward([...api, 'keys', 'update', key.id, '--clear-allowed-ips'], {
      env,
    })
    expect(cleared.stdout).toBe(`Updated ${key.id}: "paused from the CLI", usable from anywhere.\n`)
    expect((await projects(token)).status).toBe(200)
  })

  it('pages through the management API: --limit, --cursor, --name and --all as JSON lines', async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const api = ['--api', `${url}/api-keys`]
    for (const name of ['paged 1', 'paged 2', 'paged 3']) {
      const created = await keyward(
        [...api, 'keys', 'create', '--name', name, '--expires-in', '1d'],
        {
          env,
        },
      )
      expect(created.code, created.stderr).toBe(0)
    }
    const first = await keyward(
      [...api, '--json', 'keys', 'list', '--name', 'PAGED', '--limit', '2'],
      {
        env,
      },
    )
    const page = JSON.parse(first.stdout) as { keys: { name: string }[]; nextCursor: string }
    expect(page.keys.map((key) => key.name)).toEqual(['paged 3', 'paged 2'])
    const rest = await keyward(
      [...api, '--json', 'keys', 'list', '--name', 'paged', '--cursor', page.nextCursor],
      { env },
    )
    expect(JSON.parse(rest.stdout)).toEqual({
      keys: [expect.objectContaining({ name: 'paged 1' })],
      nextCursor: null,
    })
    const all = await keyward(
      [...api, '--json', 'keys', 'list', '--name', 'paged', '--all', '--limit', '1'],
      {
        env,
      },
    )
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).name),
    ).toEqual(['paged 3', 'paged 2', 'paged 1'])
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

  it('a wrong --api URL (HTTP 404 from the app) is a usage error naming the URL, not unavailable', async () => {
    const env = { KEYWARD_API_TOKEN: adminToken }
    const wrong = await keyward(['--api', `${url}/v1/api-keys`, 'keys', 'list'], { env })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toBe(
      `keyward: Nothing answers at ${url}/v1/api-keys: GET ${url}/v1/api-keys/ is HTTP 404. Give --api the URL the management API is mounted at, e.g. https://api.example.com/api-keys.\n`,
    )
    const asJson = await keyward(['--json', '--api', `${url}/v1/api-keys`, 'keys', 'list'], { env })
    expect(JSON.parse(asJson.stderr)).toMatchObject({
      error: { code: 'invalid_argument', field: 'api' },
    })

    // The management API's own 404 (no such key) is still a refusal.
    const noKey = await keyward(
      ['--api', `${url}/api-keys`, 'keys', 'revoke', 'key_0000000000000000'],
      {
        env,
      },
    )
    expect(noKey.code).toBe(3)
    expect(noKey.stderr).toMatch(/No such API key/)
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
