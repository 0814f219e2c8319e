import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** A fresh Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const webhookSecret = (): string =>
  `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`

/** One request the receiver took, after its signature was checked. */
export interface ReceivedWebhook {
  id: string
  timestamp: string
  /** `true` when the `standardwebhooks` verifier accepted the signature. */
  verified: boolean
  /** What the receiver answered. */
  status: number
  body: { type: string; timestamp: string; data: Record<string, unknown> }
  raw: string
}

/** A node:http receiver on 127.0.0.1 verifying every request with the `standardwebhooks` verifier. */
export interface WebhookReceiver {
  readonly url: string
  /** Every request, in arrival order. */
  readonly received: ReceivedWebhook[]
  /** The requests answered 2xx. */
  accepted(): ReceivedWebhook[]
  /** Resolves once `count` requests were accepted, rejects after `timeoutMs`. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>
  close(): Promise<void>
}

/**
 * Starts a receiver. `answer(request, index)` picks the status of each request (default
 * 200); a request whose signature fails verification is answered 400 and kept with
 * `verified: false`. With `delayMs`, each answer is sent that long after the request arrived
 * (it is in `received` at once).
 */
export async function startReceiver(
  secret: string,
  answer: (raw: string, index: number) => number = () => 200,
  { delayMs = 0 } = {},
): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret)
  const received: ReceivedWebhook[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      }
      let verified = true
      try {
        verifier.verify(raw, headers)
      } catch {
        verified = false
      }
      const status = verified ? answer(raw, received.length) : 400
      received.push({
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        verified,
        status,
        body: JSON.parse(raw),
        raw,
      })
      if (delayMs === 0) res.writeHead(status).end()
      else setTimeout(() => res.writeHead(status).end(), delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const accepted = () => received.filter((r) => r.status >= 200 && r.status < 300)
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted,
    async waitForAccepted(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (accepted().length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} accepted deliveries, got ${accepted().length}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return accepted()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
