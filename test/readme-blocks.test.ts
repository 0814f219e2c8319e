import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { format } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  consoleLines,
  curlRequest,
  DOCUMENTED_ORIGIN,
  documentedAnswer,
  holdsField,
  runSession,
  type SessionStep,
  sessionLines,
  splitShellLine,
} from './support/curl-session.js'
import { track } from './support/processes.js'
import { type CodeBlock, codeBlocks, programOf, typescriptBlocks } from './support/readme-blocks.js'
import { type StartedExample, startExample } from './support/started-example.js'

// What a new user copies from the READMEs must work as shown (issue 20): every TypeScript block
// of the core, jwt, express and hono READMEs and the root README's examples runs (fragments are
// marked, see support/readme-blocks.ts), the root README's curl session and the jwt README's
// exchange run against both example apps as written, and `pnpm start` stops cleanly on Ctrl-C.

const root = fileURLToPath(new URL('..', import.meta.url))

const PACKAGE_READMES = [
  'packages/core/README.md',
  'packages/jwt/README.md',
  'packages/express/README.md',
  'packages/hono/README.md',
  'packages/fastify/README.md',
]
/** The root README's sections whose TypeScript blocks are complete programs. */
const ROOT_EXAMPLES = ['Core in ten lines', 'Express', 'Hono', 'Fastify']

const EXAMPLES = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const

const readmes = await Promise.all(
  PACKAGE_READMES.map(async (path) => ({ path, blocks: await typescriptBlocks(root, path) })),
)
const rootBlocks = (await typescriptBlocks(root, 'README.md')).filter((block) =>
  ROOT_EXAMPLES.includes(block.heading),
)
readmes.push({ path: 'README.md', blocks: rootBlocks })

const runnable = readmes.flatMap(({ path, blocks }) =>
  blocks
    .filter((block) => block.marker === undefined || block.marker.kind === 'runs-after')
    .map((block) => ({ name: `${path}:${block.line} (${block.heading})`, path, block, blocks })),
)

/** A README block running as a module of its own, with what it printed and served. */
interface BlockRun {
  exports: Record<string, unknown>
  printed: string[]
  /** Where its server listens, when it starts one. */
  url: string | undefined
}

let work: string
beforeAll(async () => {
  // Inside the repository, so `express`, `hono` and the `@keyward/*` aliases resolve as in tests.
  work = await mkdtemp(join(root, 'test', '.readme-blocks-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * `fastify`, as `@keyward/fastify` resolves it: it is that package's dependency, not this
 * workspace's, so a block importing it (a file under `test/`) is pointed there.
 */
const FASTIFY = pathToFileURL(
  createRequire(join(root, 'packages/fastify/package.json')).resolve('fastify'),
).href

/**
 * The one change made to a block before it runs: `app.listen(3000[, host])` listens on
 * 127.0.0.1, port 0 instead, and is exported as `server` so the test reaches and closes it.
 * Fastify's `await app.listen({ port: 3000 })` moves to the end of the module as well, since
 * Fastify takes no plugin once it listens and the blocks that run after it register some;
 * `from 'fastify'` imports {@link FASTIFY}.
 */
function onFreePort(program: string): string {
  const fastifyListen = /^await app\.listen\(\{ port: \d+ \}\)$/m
  if (fastifyListen.test(program)) {
    const module = program
      .replace(fastifyListen, 'export const server = app.server')
      .replaceAll("from 'fastify'", `from '${FASTIFY}'`)
    return `${module}\nawait app.listen({ port: 0, host: '127.0.0.1' })\n`
  }
  return program.replace(
    /^app\.listen\(\d+(?:, '127\.0\.0\.1')?\)$/m,
    "export const server = app.listen(0, '127.0.0.1')",
  )
}

/** Imports `program` as `name`, printing into `printed`; its server is closed after the test. */
async function runBlock(name: string, program: string): Promise<BlockRun> {
  const file = join(work, `${name.replace(/[^\w]+/g, '-')}.ts`)
  await writeFile(file, onFreePort(program))
  const printed: string[] = []
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => {
    printed.push(format(...args))
  })
  cleanups.push(() => log.mockRestore())
  const exports = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<
    string,
    unknown
  >
  const server = exports.server as Server | undefined
  if (server === undefined) return { exports, printed, url: undefined }
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  if (!server.listening) await once(server, 'listening')
  return { exports, printed, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** The request of a printed `curl …` line, sent to `origin` instead of the documented one. */
function printedCurl(line: string, origin = DOCUMENTED_ORIGIN): Request {
  const [words = []] = splitShellLine(line.replace(DOCUMENTED_ORIGIN, origin), () => '').statements
  expect(words[0]).toBe('curl')
  return curlRequest(words.slice(1))
}

type Fetcher = (request: Request) => Response | Promise<Response>
const honoApp = (run: BlockRun) => run.exports.default as { request: Fetcher }

/** What each README's main example is said to do, checked after it ran. */
const SAID: Record<string, (run: BlockRun) => Promise<void>> = {
  'README.md#Express': async ({ url }) => {
    const response = await fetch(`${url}/v1/projects`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  },
  'README.md#Fastify': async ({ url }) => {
    const response = await fetch(`${url}/v1/projects`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  },
  'README.md#Hono': async (run) => {
    const response = await honoApp(run).request(new Request('http://localhost/v1/projects'))
    expect(response.status).toBe(401)
  },
  // "const verified = … // or rejects": it resolved, and printed nothing.
  'README.md#Core in ten lines': async ({ printed }) => {
    expect(printed).toEqual([])
  },
  'packages/core/README.md#@keyward/core': async ({ printed }) => {
    expect(printed).toEqual(['org_42'])
  },
  'packages/jwt/README.md#Example': async ({ printed }) => {
    expect(printed).toEqual(['insufficient_scope 403', 'revoked_token 401'])
  },
  // It prints a curl command that answers the key's owner and no projects.
  'packages/express/README.md#Example': async ({ printed, url }) => {
    expect(printed).toHaveLength(1)
    const response = await fetch(printedCurl(printed[0] ?? '', url))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ owner: 'org_42', projects: [] })
  },
  // It prints a curl command that answers the key's owner and no projects.
  'packages/fastify/README.md#Example': async ({ printed, url }) => {
    expect(printed).toHaveLength(1)
    const response = await fetch(printedCurl(printed[0] ?? '', url))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ owner: 'org_42', projects: [] })
  },
  // "open any URL once, and try the two printed commands (and the same without the header: 401)"
  'packages/hono/README.md#Example': async (run) => {
    const app = honoApp(run)
    expect((await app.request(new Request('http://localhost/v1/projects'))).status).toBe(401)
    expect(run.printed).toHaveLength(2)
    for (const line of run.printed) {
      const [, status, command = ''] = /^(\d{3}): (.*)$/.exec(line) ?? []
      expect((await app.request(printedCurl(command))).status).toBe(Number(status))
    }
  },
}

describe('README TypeScript blocks run as shown', () => {
  it.each(runnable)('$name', async ({ name, path, block, blocks }) => {
    const run = await runBlock(name, programOf(block, blocks))
    if (block.marker === undefined) await SAID[`${path}#${block.heading}`]?.(run)
  })

  it('exempt only fragments, each saying why, and blocks that run verbatim as test files', async () => {
    const exempt = readmes.flatMap(({ path, blocks }) =>
      blocks.flatMap((block) =>
        block.marker?.kind === 'not-runnable' ? [`${path} (${block.heading})`] : [],
      ),
    )
    expect(exempt).toEqual([
      'packages/core/README.md (GitHub secret scanning)',
      'packages/jwt/README.md (Key rotation)',
    ])
    for (const { path, blocks } of readmes) {
      for (const block of blocks) {
        if (block.marker?.kind === 'not-runnable') expect(block.marker.why).not.toBe('')
        if (block.marker?.kind !== 'runs-as') continue
        const file = join(root, dirname(path), block.marker.path)
        expect(await readFile(file, 'utf8'), `${path}:${block.line}`).toBe(block.code)
      }
    }
  })
})

/** The first code block of `path` under the heading that starts with `heading`. */
async function blockUnder(path: string, heading: string): Promise<CodeBlock> {
  const blocks = codeBlocks(await readFile(join(root, path), 'utf8'))
  const block = blocks.find((candidate) => candidate.heading.startsWith(heading))
  if (block === undefined) throw new Error(`${path} has no code block under "${heading}"`)
  return block
}

/** Expects each step's answer to be what the README documents for it. */
function expectDocumentedAnswers(path: string, steps: readonly SessionStep[]): void {
  for (const { line, command, documented, answer } of steps) {
    if (answer?.status === undefined || documented === undefined) continue
    const where = `${path}:${line}: ${command}\nanswered ${answer.status} ${answer.text}`
    const said = documentedAnswer(documented)
    if (said.status === undefined) expect(answer.status, where).toBeLessThan(300)
    else expect(answer.status, where).toBe(said.status)
    const json = answer.text === '' ? undefined : JSON.parse(answer.text)
    for (const [name, value] of said.fields) {
      expect(holdsField(json, name, value), `${where}\nhas no "${name}":${value}`).toBe(true)
    }
    for (const attribute of said.challenge) {
      expect(answer.headers?.get('www-authenticate'), where).toContain(attribute)
    }
    for (const phrase of said.phrases) expect(answer.text, where).toContain(phrase)
  }
}

describe.each(EXAMPLES)("the READMEs' curl commands on the %s example", (_, dir) => {
  let example: StartedExample
  beforeAll(async () => {
    example = await startExample(dir)
  })
  afterAll(async () => {
    await example?.stop()
  })
  const printed = () => ({ url: example.url, output: example.output.join('\n') })

  it("runs the root README's session as written, each answer as its comment says", async () => {
    const block = await blockUnder('README.md', 'A session with the example API')
    const steps = await runSession(sessionLines(block.code, block.line), printed())
    expect(steps.filter((step) => step.answer?.status !== undefined)).toHaveLength(13)
    expectDocumentedAnswers('README.md', steps)
  })

  it("runs the jwt README's exchange over HTTP with an API key, as its output shows", async () => {
    const block = await blockUnder('packages/jwt/README.md', 'The exchange over HTTP')
    // The access token of the middle command is the reader's to paste; the other two run.
    const lines = consoleLines(block.code, block.line).filter(
      ({ command }) => !command.includes('$ACCESS_TOKEN'),
    )
    const steps = await runSession(lines, printed(), { API_KEY: example.adminToken })
    expect(steps).toHaveLength(2)
    expectDocumentedAnswers('packages/jwt/README.md', steps)
  })

  it('refuses a key without an expiry: 422 naming expiresAt, as the API tables say', async () => {
    const response = await fetch(`${example.url}/api-keys`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${example.adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'no expiry', scopes: ['projects:read'] }),
    })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({
      code: 'invalid_argument',
      field: 'expiresAt',
      detail: 'expiresAt or expiresIn is required.',
    })
  })
})

/**
 * `pnpm start` where it stops cleanly. The root's `pnpm start` and `pnpm start:hono` belong here
 * once their scripts keep pnpm's `sh` alive through Ctrl-C (`trap '' INT; pnpm --filter …`), as
 * the examples' own scripts do; until then the README says they report a failure.
 */
const PNPM_STARTS = [
  ['.', 'start'],
  ['.', 'start:hono'],
  ['.', 'start:fastify'],
  ['examples/express-api', 'start'],
  ['examples/hono-api', 'start'],
  ['examples/fastify-api', 'start'],
] as const

describe.each(PNPM_STARTS)('in %s', (dir, script) => {
  it(`pnpm ${script} stops on Ctrl-C with exit code 0 and no pnpm error`, async () => {
    // Its own process group, as a terminal runs it: Ctrl-C signals pnpm, sh and node at once.
    const child = spawn('pnpm', [script], {
      cwd: join(root, dir),
      detached: true,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REDIS_URL: '', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    track(child)
    const group = child.pid as number
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-group, 'SIGKILL')
    })
    let output = ''
    const started = new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += chunk
        if (output.includes('settings page: ')) resolve()
      }
      child.stdout.on('data', read)
      child.stderr.on('data', read)
      child.once('exit', () => reject(new Error(`pnpm start exited early:\n${output}`)))
    })
    const exited = once(child, 'close')
    await started
    process.kill(-group, 'SIGINT')
    const [code, signal] = await exited
    expect({ code, signal }, output).toEqual({ code: 0, signal: null })
    expect(output).not.toMatch(/ERR_PNPM|ELIFECYCLE/)
  })
})
