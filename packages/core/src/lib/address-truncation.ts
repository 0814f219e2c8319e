import ipaddr from 'ipaddr.js'

/**
 * An address cut to its network for deployments that keep little personal data: IPv4 to its
 * /24 (`203.0.113.7` → `203.0.113.0`), IPv6 to its /48 (`2001:db8:1:2::5` → `2001:db8:1::`),
 * IPv4-mapped IPv6 as IPv4. Anything that is not an address is dropped (`undefined`).
 */
export function truncateAddress(text: string): string | undefined {
  let address: ipaddr.IPv4 | ipaddr.IPv6
  try {
    address = ipaddr.parse(text.split('%')[0]!)
  } catch {
    return undefined
  }
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address()
  }
  if (address.kind() === 'ipv4') {
    const octets = (address as ipaddr.IPv4).octets
    return `${octets[0]}.${octets[1]}.${octets[2]}.0`
  }
  const parts = (address as ipaddr.IPv6).parts.slice(0, 3)
  return new ipaddr.IPv6([...parts, 0, 0, 0, 0, 0]).toString()
}
