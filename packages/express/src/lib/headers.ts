import { type AuthenticationRequest, clientAddress, rawHeaderValue } from '@keyward/core/adapter'
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

const noHeaders = (): undefined => undefined

/**
 * The client address a key's `allowedIps` are checked against: `req.ip`, which Express's own
 * `trust proxy` setting decides (the socket's peer unless set), made canonical by core (an
 * IPv4-mapped IPv6 address as IPv4); `undefined` when it is not an address (a forwarded entry
 * that is malformed, `unknown`…), so a key with `allowedIps` is refused.
 */
export function clientIpOf(req: Request): string | undefined {
  return clientAddress(req.ip, noHeaders, undefined)
}

/** `{ clientIp }` for core's request shapes, nothing when the address is unknown. */
export function clientIpField(req: Request): { clientIp?: string } {
  const address = clientIpOf(req)
  return address === undefined ? {} : { clientIp: address }
}
