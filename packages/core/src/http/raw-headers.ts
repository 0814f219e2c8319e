/**
 * A header from Node's raw header lines (`req.rawHeaders`: name, value, name, value, …), by
 * lower-case name, with repeated lines joined by `, ` as Fetch's `Headers.get` joins them;
 * `undefined` when absent. Node's parsed `req.headers` keeps only the first of repeated
 * `Authorization` lines, which would let a request carrying two credentials through on the
 * first: adapters on Node read `Authorization` here, so core sees both and refuses them (400).
 * No Node API is used; it runs anywhere.
 */
export function rawHeaderValue(rawHeaders: readonly string[], name: string): string | undefined {
  let value: string | undefined
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const field = rawHeaders[i]!
    if (field.length === name.length && field.toLowerCase() === name) {
      value = value === undefined ? rawHeaders[i + 1]! : `${value}, ${rawHeaders[i + 1]!}`
    }
  }
  return value
}
