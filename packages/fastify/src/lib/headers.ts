import {
  type AuthenticationRequest,
  clientIpField as coreClientIpField,
  rawHeaderValue,
} from '@keyward/core/adapter'
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

/**
 * The client address a key's `allowedIps` are checked against: `request.ip`, which the
 * framework's own proxy trust setting decides (the socket's peer unless set), made canonical
 * by core; `undefined` when it is not an address, so a key with `allowedIps` is refused.
 */
export function clientIpOf(request: FastifyRequest): string | undefined {
  return coreClientIpField(request.ip).clientIp
}

/** `{ clientIp }` for core's request shapes, nothing when the address is unknown. */
export function clientIpField(request: FastifyRequest): { clientIp?: string } {
  return coreClientIpField(request.ip)
}

/** The query string as it came on the wire, without its `?`. */
export function queryOf(request: FastifyRequest): string {
  const at = request.raw.url?.indexOf('?') ?? -1
  return at === -1 ? '' : (request.raw.url as string).slice(at + 1)
}
