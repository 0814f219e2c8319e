import {
  type AuthenticationRequest,
  clientIpField as coreClientIpField,
  rawHeaderValue,
} from '@keyward/core/adapter'
import type { Request } from 'express'

/**
 * A request header by lower-case name, as Fetch's `Headers.get` gives it. `Authorization` is
 * read from the raw header lines (core's `rawHeaderValue`): Node keeps only the first of
 * repeated ones in `req.headers`, and core must see both to refuse them (400), as on Hono.
 */
export function headerOf(req: Request, name: string): string | undefined {
  return name === 'authorization' ? rawHeaderValue(req.rawHeaders, name) : req.get(name)
}

/** The request as core's authenticator reads it. */
export function authenticationRequest(req: Request): AuthenticationRequest {
  return { method: req.method, header: (name) => headerOf(req, name) }
}

/**
 * The client address a key's `allowedIps` are checked against: `req.ip`, which the
 * framework's own proxy trust setting decides (the socket's peer unless set), made canonical
 * by core; `undefined` when it is not an address, so a key with `allowedIps` is refused.
 */
export function clientIpOf(req: Request): string | undefined {
  return coreClientIpField(req.ip).clientIp
}

/** `{ clientIp }` for core's request shapes, nothing when the address is unknown. */
export function clientIpField(req: Request): { clientIp?: string } {
  return coreClientIpField(req.ip)
}
