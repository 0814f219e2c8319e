import { errorResponse, isKeywardError } from '@keyward/core'
import type { FastifyReply, HookHandlerDoneFunction } from 'fastify'

/**
 * Answers a `KeywardError` with core's rendering (status, `WWW-Authenticate`, `Retry-After`,
 * problem+json body) through `reply`. Anything else is not ours to describe and goes to
 * `done(error)`, so the app's error handler sees it.
 */
export function fail(error: unknown, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (!isKeywardError(error) || reply.sent) {
    done(error as Error)
    return
  }
  const { status, headers, body } = errorResponse(error)
  reply.code(status).headers(headers).send(json(body))
}

/**
 * `value` as JSON bytes: Fastify sends a Buffer as it is, where it would append `; charset=utf-8`
 * to the content type of a string; core's headers go out exactly as on Hono.
 */
function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

/** Sends an answer of core's (management, OAuth, secret scanning): `body` as JSON, none for 204. */
export function sendAnswer(
  reply: FastifyReply,
  answer: { status: number; headers: Record<string, string>; body?: unknown },
): FastifyReply {
  reply.code(answer.status).headers(answer.headers)
  if (answer.body === undefined) return reply.send()
  if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8')
  return reply.send(json(answer.body))
}
