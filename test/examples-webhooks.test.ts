import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnExample } from './support/example-process.js'
import { stopProcess } from './support/processes.js'
import { startExample } from './support/started-example.js'
import { startReceiver, type WebhookReceiver, webhookSecret } from './support/webhook-receiver.js'

// The examples read WEBHOOK_URL and WEBHOOK_SECRET: every key event reaches the receiver,
// signed so the standardwebhooks verifier accepts it.
const EXAMPLES = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const

const secret = webhookSecret()
const running: ChildProcess[] = []
const receivers: WebhookReceiver[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stopProcess(child)))
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()))
})

describe.each(EXAMPLES)('the %s example with WEBHOOK_URL', (_, dir) => {
  it('sends the bootstrap key and a key made over the API as signed key.created deliveries', async () => {
    const hooks = await startReceiver(secret)
    receivers.push(hooks)
    const started = await startExample(dir, { WEBHOOK_URL: hooks.url, WEBHOOK_SECRET: secret })
    running.push(started.child)
    const response = await fetch(`${started.url}/api-keys`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${started.adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'hooked', scopes: ['projects:read'], expiresIn: '1d' }),
    })
    expect(response.status).toBe(201)
    const { key } = (await response.json()) as { key: { id: string } }
    const accepted = await hooks.waitForAccepted(2)
    expect(accepted.every((r) => r.verified && r.body.type === 'key.created')).toBe(true)
    const names = accepted.map((r) => (r.body.data.key as { name: string }).name).sort()
    expect(names).toEqual(['Bootstrap admin', 'hooked'])
    const made = accepted.find((r) => (r.body.data.key as { id: string }).id === key.id)
    expect(made?.body.data.actor).toMatch(/^key:key_/)
  })
})

it('refuses to start with WEBHOOK_URL but no WEBHOOK_SECRET, or a secret not in whsec_ form', async () => {
  for (const env of [
    { WEBHOOK_URL: 'http://127.0.0.1:9/hooks' },
    { WEBHOOK_URL: 'http://127.0.0.1:9/hooks', WEBHOOK_SECRET: 'hunter2' },
  ]) {
    const child = spawnExample(EXAMPLES[0][1], env)
    running.push(child)
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    const code = await new Promise((resolve) => child.once('close', resolve))
    expect(code).toBe(1)
    expect(stderr).toMatch(/The example API could not start: WEBHOOK_URL (and|or) WEBHOOK_SECRET/)
    expect(stderr).not.toContain('hunter2')
  }
})
