import { type AuthenticationRequest, rawHeaderValue } from '@keyward/core/adapter'
import type { FastifyRequest } from 'fastify'

/**
 * A request header by lower-case name, as Fetch's `Headers.get` gives it. `Authorization` is
 * read from the raw header lines (core's `rawHeaderValue`): Node keeps only the first of
 * repeated ones in `request.headers`, and core must see both to refuse them (400), as on
 * Express and Hono.
 */
export function headerOf(request: FastifyRequest, name: string): string | undefined {
  if (name === 'authorization') return rawHeaderValue(request.raw.rawHeaders, name)
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** The request as core's authenticator reads it. */
export function authenticationRequest(request: FastifyRequest): AuthenticationRequest {
  return { method: request.method, header: (name) => headerOf(request, name) }
}
