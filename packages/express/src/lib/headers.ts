import type { Request } from 'express'

/**
 * A request header by lower-case name, as Fetch's `Headers.get` gives it: repeated values
 * joined with `, `. Node keeps only the first of repeated `Authorization` headers in
 * `req.headers`, which would let a request carrying two credentials through on the first;
 * read from `rawHeaders` instead, so core sees both and refuses them (400), as on Hono.
 */
export function headerOf(req: Request, name: string): string | undefined {
  if (name !== 'authorization') return req.get(name)
  const raw = req.rawHeaders
  let value: string | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const field = raw[i]!
    if (field.length === 13 && field.toLowerCase() === 'authorization') {
      value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`
    }
  }
  return value
}
