import { type AuthenticationRequest, rawHeaderValue } from '@keyward/core/adapter'
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
