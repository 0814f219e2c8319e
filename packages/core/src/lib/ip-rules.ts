import ipaddr from 'ipaddr.js'

/**
 * Network rules (`allowedIps`): their canonical form, and matchers compiled once per key so
 * the verification hot path only compares integers. Addresses are read with `ipaddr.js`
 * (pure JavaScript, edge-safe), except dotted-quad IPv4, the common case, read here.
 */

/**
 * Whether a client address is inside a key's rules. `undefined` (the adapter could not tell
 * the address) and anything that is not an address are outside.
 */
export type IpMatcher = (clientIp: string | undefined) => boolean

/** An IPv4 address as an unsigned 32-bit integer, or `-1` when `text` is no strict dotted quad. */
function ipv4Number(text: string): number {
  const length = text.length
  if (length < 7 || length > 15) return -1
  let value = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code === 46) {
      if (digits === 0 || dots === 3) return -1
      value = value * 256 + octet
      octet = 0
      digits = 0
      dots++
    } else if (code >= 48 && code <= 57) {
      // No leading zero: `010` is octal to some parsers and decimal to others.
      if (digits === 1 && octet === 0) return -1
      octet = octet * 10 + (code - 48)
      if (octet > 255) return -1
      digits++
    } else return -1
  }
  if (digits === 0 || dots !== 3) return -1
  return value * 256 + octet
}

/**
 * The last client address read, and what it read as: IPv4 (IPv4-mapped IPv6 included) as a
 * number in `v4`, else IPv6 as eight 16-bit parts in `v6`, else neither (not an
 * address). Requests of one client come in runs, and a string comparison is cheaper than
 * parsing again; kept as plain values, so reading an address allocates nothing. Never a
 * decision, only a memo.
 */
const last: { text: string; v4: number; v6: readonly number[] | undefined } = {
  text: '',
  v4: -1,
  v6: undefined,
}

/** Reads `text` into the memo. A zone (`%eth0`) is ignored. */
function readClient(text: string): void {
  last.text = text
  last.v6 = undefined
  last.v4 = ipv4Number(text)
  if (last.v4 !== -1 || !ipaddr.IPv6.isValid(text)) return
  const address = ipaddr.IPv6.parse(text)
  if (address.isIPv4MappedAddress()) {
    const [a, b, c, d] = address.toIPv4Address().octets as [number, number, number, number]
    last.v4 = a * 16_777_216 + b * 65_536 + c * 256 + d
  } else last.v6 = address.parts
}

/** One rule, compiled: an IPv4 network and mask, or an IPv6 network's parts and prefix length. */
type Rule =
  | { v4: true; network: number; mask: number }
  | { v4: false; parts: readonly number[]; bits: number }

/**
 * The canonical form of one rule, or `undefined` when `entry` is neither an address nor a
 * CIDR range: `ipaddr.js`'s text of the address (`2001:db8::1`, never a zone), a range as its
 * network address and prefix (`203.0.113.5/24` becomes `203.0.113.0/24`), a single address
 * without a prefix (`/32`, `/128` dropped), and IPv4-mapped IPv6 as IPv4 (`::ffff:192.0.2.1`
 * becomes `192.0.2.1`, `::ffff:192.0.2.0/120` becomes `192.0.2.0/24`). IPv4 only as four
 * decimal parts without leading zeros.
 */
export function canonicalIpRule(entry: string): string | undefined {
  const slash = entry.indexOf('/')
  const addressText = slash === -1 ? entry : entry.slice(0, slash)
  const prefixText = slash === -1 ? undefined : entry.slice(slash + 1)
  let address: ipaddr.IPv4 | ipaddr.IPv6
  if (ipv4Number(addressText) !== -1) address = ipaddr.IPv4.parse(addressText)
  else if (!addressText.includes('%') && ipaddr.IPv6.isValid(addressText)) {
    address = ipaddr.IPv6.parse(addressText)
  } else return undefined
  const max = address.kind() === 'ipv4' ? 32 : 128
  let bits = max
  if (prefixText !== undefined) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined
    bits = Number(prefixText)
    if (bits > max) return undefined
  }
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    address = (address as ipaddr.IPv6).toIPv4Address()
    bits -= 96
  }
  const full = address.kind() === 'ipv4' ? 32 : 128
  if (bits === full) return address.toString()
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`)
  return `${network.toString()}/${bits}`
}

/** Compiles one stored rule; `undefined` when it does not parse (it then matches nothing). */
function compileRule(entry: string): Rule | undefined {
  const canonical = canonicalIpRule(entry)
  if (canonical === undefined) return undefined
  const slash = canonical.indexOf('/')
  const text = slash === -1 ? canonical : canonical.slice(0, slash)
  const v4 = ipv4Number(text)
  if (v4 !== -1) {
    const bits = slash === -1 ? 32 : Number(canonical.slice(slash + 1))
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    return { v4: true, network: (v4 & mask) >>> 0, mask }
  }
  const bits = slash === -1 ? 128 : Number(canonical.slice(slash + 1))
  return { v4: false, parts: ipaddr.IPv6.parse(text).parts, bits }
}

/**
 * Compiles a key's stored rules, once, into a matcher. An entry that does not parse (corrupt
 * data) matches nothing; the others still match. IPv4 rules match IPv4 clients and
 * IPv4-mapped IPv6 clients (`::ffff:203.0.113.7`); IPv6 rules match IPv6 clients.
 */
export function compileIpRules(entries: readonly string[]): IpMatcher {
  const masks: number[] = []
  const networks: number[] = []
  // IPv6 rules flattened: eight masked parts and eight part masks per rule.
  const v6Parts: number[] = []
  const v6Masks: number[] = []
  for (const entry of entries) {
    const rule = typeof entry === 'string' ? compileRule(entry) : undefined
    if (rule === undefined) continue
    if (rule.v4) {
      masks.push(rule.mask)
      networks.push(rule.network)
      continue
    }
    for (let i = 0, left = rule.bits; i < 8; i++, left -= 16) {
      const mask = left >= 16 ? 0xffff : left <= 0 ? 0 : (0xffff << (16 - left)) & 0xffff
      v6Masks.push(mask)
      v6Parts.push(rule.parts[i]! & mask)
    }
  }
  // As signed 32-bit integers, so the hot loop stays in small-integer arithmetic.
  const masks32 = Int32Array.from(masks)
  const networks32 = Int32Array.from(networks, (network) => network | 0)
  const count = masks.length
  const v6Count = v6Parts.length
  return function matchesIpRules(clientIp) {
    if (typeof clientIp !== 'string') return false
    if (clientIp !== last.text) readClient(clientIp)
    const v4 = last.v4 | 0
    if (last.v4 !== -1) {
      for (let i = 0; i < count; i++) if ((v4 & masks32[i]!) === networks32[i]) return true
      return false
    }
    const parts = last.v6
    if (parts === undefined) return false
    for (let start = 0; start < v6Count; start += 8) {
      let inside = true
      for (let i = 0; i < 8; i++) {
        if ((parts[i]! & v6Masks[start + i]!) !== v6Parts[start + i]) {
          inside = false
          break
        }
      }
      if (inside) return true
    }
    return false
  }
}
