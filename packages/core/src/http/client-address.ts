/**
 * The client address a request comes from, decided once for every adapter that has no trust
 * setting of its own (Hono; Express has `trust proxy`): the connection's peer, and the
 * forwarded headers (`X-Forwarded-For`, RFC 7239 `Forwarded`) only through proxies the
 * application names. Like Express's `proxy-addr`, the hops are walked from the right (the
 * nearest) and the first one not trusted is the client; unlike it, an entry that is not an
 * address (malformed, `unknown`, an obfuscated identifier) never becomes one: the request then
 * has no address, and a key with `allowedIps` is refused. Pure JavaScript, edge-safe.
 */
import ipaddr from 'ipaddr.js'

type Address = ipaddr.IPv4 | ipaddr.IPv6

/**
 * Whether the hop at `address` is a proxy whose forwarded headers are believed. `hop` counts
 * from the server: 0 is the connection's peer, 1 the address it forwarded, and so on.
 * `address` is canonical (`ipaddr.js`'s form; an IPv4-mapped IPv6 address as IPv4).
 */
export type ProxyTrust = (address: string, hop: number) => boolean

/**
 * The `trustProxy` option as an application gives it: `false` (the default: forwarded headers
 * are ignored), `true` (every hop is trusted: only behind a proxy that overwrites the headers,
 * since a client could otherwise name any address), a hop count (the nearest `n` hops),
 * `'loopback'`, `'linklocal'`, `'uniquelocal'`, an address or CIDR range, a list of those (an
 * array, or one string separated by commas, as Express's `trust proxy` takes it), or a
 * function of the address and hop.
 */
export type TrustProxy = boolean | number | string | readonly string[] | ProxyTrust

/** The named ranges `proxy-addr` knows, so a setting means the same on Express and Hono. */
const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

const TRUST_SHAPE =
  "trustProxy must be false, true, a hop count, 'loopback', 'linklocal', 'uniquelocal', an address or CIDR range, a list of them, or a function"

/**
 * Checks the `trustProxy` option once, when a middleware is built: `undefined` when nothing is
 * trusted (`undefined`, `false`, `0`, an empty list), else the compiled check. Anything else
 * throws `TypeError('trustProxy must be …')`, naming the entry that is not an address or range.
 */
export function trustProxyOption(value: unknown): ProxyTrust | undefined {
  if (value === undefined || value === false) return undefined
  if (value === true) return () => true
  if (typeof value === 'function') return value as ProxyTrust
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(TRUST_SHAPE)
    const hops = value
    return hops === 0 ? undefined : (_address, hop) => hop < hops
  }
  let entries: unknown[]
  if (typeof value === 'string') entries = value.split(',').map((entry) => entry.trim())
  else if (Array.isArray(value)) entries = value
  else throw new TypeError(TRUST_SHAPE)
  const ranges: Array<[Address, number]> = []
  for (const entry of entries) {
    const named =
      typeof entry === 'string' && Object.hasOwn(NAMED_RANGES, entry)
        ? NAMED_RANGES[entry]
        : undefined
    for (const range of named ?? [entry]) {
      const parsed = typeof range === 'string' ? parseRange(range) : undefined
      if (parsed === undefined) {
        throw new TypeError(`${TRUST_SHAPE}, not ${JSON.stringify(range) ?? String(range)}`)
      }
      ranges.push(parsed)
    }
  }
  if (ranges.length === 0) return undefined
  return rangeTrust(ranges)
}

/**
 * The check of trusted ranges: IPv4 ones as integer masks, so the usual IPv4 hop is judged
 * without `ipaddr.js` (whose parsing costs microseconds); IPv6 ones through it.
 */
function rangeTrust(ranges: ReadonlyArray<[Address, number]>): ProxyTrust {
  const ipv4: Array<[network: number, mask: number]> = []
  const ipv6: Array<[ipaddr.IPv6, number]> = []
  for (const [network, length] of ranges) {
    if (network.kind() === 'ipv4') {
      const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0
      ipv4.push([(ipv4Integer(network.toString()) & mask) >>> 0, mask])
    } else ipv6.push([network as ipaddr.IPv6, length])
  }
  return function trustedRange(address) {
    let text: string | undefined = address
    if (!IPV4.test(text)) {
      const parsed = parseAddress(address)
      if (parsed === undefined) return false
      if (parsed.kind() === 'ipv6') {
        return ipv6.some(([network, length]) => parsed.match(network, length))
      }
      text = parsed.toString()
    }
    const value = ipv4Integer(text)
    return ipv4.some(([network, mask]) => (value & mask) >>> 0 === network)
  }
}

/** A four-part decimal IPv4 address as an unsigned 32-bit integer. */
function ipv4Integer(text: string): number {
  // Digit by digit: splitting the string costs more than the rest of the check.
  let value = 0
  let part = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 46) {
      value = value * 256 + part
      part = 0
    } else part = part * 10 + code - 48
  }
  return value * 256 + part
}

/**
 * The client address of a request: `peer` (the address of the connection as the runtime saw
 * it) when `trust` is `undefined`, the forwarded headers then never read; else the nearest
 * hop that `trust` does not trust, walking `Forwarded`'s `for=` or `X-Forwarded-For` from
 * the right (`header` reads a request header by lower-case name). A request carrying both
 * headers is read through both, and has no address unless they agree, since a proxy that
 * writes one passes a client's own copy of the other through unchanged.
 *
 * `undefined` when there is no address to give: `peer` unknown or not an address, or the
 * walk reaching an entry that is not one (malformed, `unknown`, an obfuscated `_node`). An
 * address is returned canonical (`ipaddr.js`'s form, an IPv4-mapped IPv6 address as IPv4).
 */
export function clientAddress(
  peer: string | undefined,
  header: (name: string) => string | undefined,
  trust: ProxyTrust | undefined,
): string | undefined {
  const own = peer === undefined ? undefined : canonicalAddress(peer)
  if (own === undefined || trust === undefined) return own
  const forwarded = header('forwarded')
  const forwardedFor = header('x-forwarded-for')
  const viaForwarded = forwarded ? walk(own, forwardedHops(forwarded), trust) : undefined
  const viaForwardedFor = forwardedFor
    ? walk(own, listElements(forwardedFor).map(canonicalAddress), trust)
    : undefined
  if (forwarded && forwardedFor) {
    return viaForwarded === viaForwardedFor ? viaForwarded : undefined
  }
  if (forwarded) return viaForwarded
  if (forwardedFor) return viaForwardedFor
  return own
}

/** Walks `hops` (left to right as sent) from the right while each hop reached is trusted. */
function walk(
  peer: string,
  hops: ReadonlyArray<string | undefined>,
  trust: ProxyTrust,
): string | undefined {
  let current = peer
  for (let hop = 0, index = hops.length - 1; index >= 0; hop++, index--) {
    if (!trust(current, hop)) return current
    const next = hops[index]
    if (next === undefined) return undefined
    current = next
  }
  return current
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
/** IPv4 in four decimal parts, no leading zeros: already canonical as written. */
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`)
/** The usual spelling of an IPv4-mapped IPv6 address, what a dual-stack socket reports. */
const IPV4_MAPPED = new RegExp(`^::ffff:(${OCTET}(?:\\.${OCTET}){3})$`, 'i')

/**
 * An address as {@link clientAddress} gives it, or `undefined`: IPv4 in four decimal parts only
 * (not `127.1` or `0x7f.1`, which no proxy writes), IPv6 without brackets or port in
 * `ipaddr.js`'s canonical form, an IPv4-mapped IPv6 address as IPv4. The common spellings are
 * answered without parsing: this runs on every request.
 */
function canonicalAddress(text: string): string | undefined {
  if (IPV4.test(text)) return text
  const mapped = IPV4_MAPPED.exec(text)
  if (mapped !== null) return mapped[1]
  let canonical = IPV6_SEEN.get(text)
  if (canonical === undefined) {
    // `ipaddr.js` takes microseconds for IPv6; a peer is usually seen again (keep-alive).
    if (IPV6_SEEN.size >= IPV6_SEEN_MAX) IPV6_SEEN.clear()
    canonical = parseAddress(text)?.toString() ?? null
    IPV6_SEEN.set(text, canonical)
  }
  return canonical ?? undefined
}

/** Canonical forms of IPv6 texts already parsed (`null`: not an address), at most this many. */
const IPV6_SEEN_MAX = 1024
const IPV6_SEEN = new Map<string, string | null>()

/**
 * An address as `ipaddr.js` parses it, strictly: IPv4 in four decimal parts only (not `127.1`
 * or `0x7f.1`, which no proxy writes), IPv6 without brackets or port; an IPv4-mapped IPv6
 * address becomes IPv4. `undefined` for anything else.
 */
function parseAddress(text: string): Address | undefined {
  if (IPV4.test(text)) return ipaddr.IPv4.parse(text)
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return undefined
  const address = ipaddr.IPv6.parse(text)
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : address
}

/** A trusted range: an address (a range of one) or `address/prefix`, IPv4-mapped ones as IPv4. */
function parseRange(text: string): [Address, number] | undefined {
  const slash = text.indexOf('/')
  const address = parseAddress(slash === -1 ? text : text.slice(0, slash))
  if (address === undefined) return undefined
  const bits = address.kind() === 'ipv4' ? 32 : 128
  if (slash === -1) return [address, bits]
  const prefix = text.slice(slash + 1)
  if (!/^\d{1,3}$/.test(prefix)) return undefined
  let length = Number(prefix)
  // `::ffff:10.0.0.0/104` was parsed as IPv4 above: its prefix counts the last 32 bits only.
  if (address.kind() === 'ipv4' && text.slice(0, slash).includes(':')) length -= 96
  return length >= 0 && length <= bits ? [address, length] : undefined
}

/** The non-empty elements of a comma-separated header list, trimmed (RFC 9110 §5.6.1). */
function listElements(value: string): string[] {
  return value
    .split(',')
    .map((element) => element.trim())
    .filter((element) => element !== '')
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/
const NODE_PORT = /^:(?:\d{1,5}|_[A-Za-z0-9._-]+)$/

/**
 * The `for=` address of each element of an RFC 7239 `Forwarded` value, left to right:
 * `undefined` for an element without a usable one (no `for`, two of them, `unknown`, an
 * obfuscated identifier, a syntax error).
 */
function forwardedHops(value: string): Array<string | undefined> {
  const hops: Array<string | undefined> = []
  for (const element of forwardedElements(value)) {
    const pairs = element === undefined ? undefined : forwardedPairs(element)
    const nodes = pairs?.filter(([name]) => name === 'for')
    hops.push(nodes?.length === 1 ? nodeAddress(nodes[0]![1]) : undefined)
  }
  return hops
}

/**
 * The elements of a `Forwarded` value split at commas outside quoted strings, empty ones
 * left out; `undefined` for an element whose quoted string never ends.
 */
function forwardedElements(value: string): Array<string | undefined> {
  const elements: Array<string | undefined> = []
  let start = 0
  let quoted = false
  for (let i = 0; i <= value.length; i++) {
    const char = value[i]
    if (quoted) {
      if (char === '\\') i++
      else if (char === '"') quoted = false
      continue
    }
    if (char === '"') quoted = true
    else if (char === ',' || char === undefined) {
      const element = value.slice(start, i).trim()
      if (element !== '') elements.push(element)
      start = i + 1
    }
  }
  if (quoted) elements.push(undefined)
  return elements
}

/**
 * The `name=value` pairs of one `Forwarded` element (names lower-cased, quoted values
 * unescaped), or `undefined` when it is not `pair *( ";" pair )`.
 */
function forwardedPairs(element: string): Array<[string, string]> | undefined {
  const pairs: Array<[string, string]> = []
  let i = 0
  while (i < element.length) {
    while (element[i] === ' ' || element[i] === '\t') i++
    let name = ''
    while (i < element.length && TCHAR.test(element[i]!)) name += element[i++]
    if (name === '' || element[i] !== '=') return undefined
    i++
    let value = ''
    if (element[i] === '"') {
      i++
      while (i < element.length && element[i] !== '"') {
        if (element[i] === '\\') i++
        value += element[i++] ?? ''
      }
      if (element[i] !== '"') return undefined
      i++
    } else {
      while (i < element.length && TCHAR.test(element[i]!)) value += element[i++]
      if (value === '') return undefined
    }
    pairs.push([name.toLowerCase(), value])
    while (element[i] === ' ' || element[i] === '\t') i++
    if (i < element.length && element[i++] !== ';') return undefined
  }
  return pairs
}

/**
 * The address of an RFC 7239 node (`192.0.2.43`, `"192.0.2.43:47011"`,
 * `"[2001:db8::1]:443"`): `undefined` for `unknown`, an obfuscated `_name`, or anything else.
 */
function nodeAddress(node: string): string | undefined {
  let host: string
  let port: string
  if (node.startsWith('[')) {
    const close = node.indexOf(']')
    if (close === -1) return undefined
    host = node.slice(1, close)
    port = node.slice(close + 1)
    if (!ipaddr.IPv6.isValid(host)) return undefined
  } else {
    const colon = node.indexOf(':')
    host = colon === -1 ? node : node.slice(0, colon)
    port = colon === -1 ? '' : node.slice(colon)
    if (!IPV4.test(host)) return undefined
  }
  if (port !== '' && !NODE_PORT.test(port)) return undefined
  return canonicalAddress(host)
}

const noHeaders = (): undefined => undefined

/**
 * `{ clientIp }` for core's request shapes from an address the framework already decided
 * (Express's `req.ip`, Fastify's `request.ip`: their own proxy trust settings apply), made
 * canonical; nothing when it is not an address, so a key with `allowedIps` is refused.
 */
export function clientIpField(address: string | undefined): { clientIp?: string } {
  const canonical = clientAddress(address, noHeaders, undefined)
  return canonical === undefined ? {} : { clientIp: canonical }
}
