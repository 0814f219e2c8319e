import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clientAddress, trustProxyOption } from './client-address.js'

/** A request's headers as `clientAddress` reads them. */
const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name]

const address = (
  peer: string | undefined,
  values: Record<string, string>,
  trustProxy?: unknown,
): string | undefined => clientAddress(peer, headers(values), trustProxyOption(trustProxy))

describe('trustProxyOption', () => {
  it('trusts nothing for undefined, false, 0 and an empty array', () => {
    for (const value of [undefined, false, 0, []]) {
      expect(trustProxyOption(value)).toBeUndefined()
    }
  })

  it('refuses anything else with a TypeError naming trustProxy and the entry', () => {
    for (const value of [
      -1,
      '',
      'loopback,',
      1.5,
      Number.NaN,
      null,
      {},
      'nowhere',
      ['10.0.0.0/33'],
      ['::1/129'],
      '10.0.0.0/8, 300.0.0.1',
      ['127.1'],
      'constructor',
      ['__proto__'],
      ['10.0.0.0/'],
      [42],
    ]) {
      expect(() => trustProxyOption(value), JSON.stringify(value)).toThrow(TypeError)
      expect(() => trustProxyOption(value)).toThrow(/^trustProxy must be/)
    }
    expect(() => trustProxyOption(['loopback', '10.0.0.0/33'])).toThrow(/not "10\.0\.0\.0\/33"/)
  })

  it('compiles names, addresses and ranges, as a list or one comma-separated string', () => {
    const trust = trustProxyOption('loopback, 10.0.0.0/8, 2001:db8::/32')!
    expect(trust('127.9.9.9', 0)).toBe(true)
    expect(trust('::1', 0)).toBe(true)
    expect(trust('10.200.0.1', 3)).toBe(true)
    expect(trust('2001:db8:1::5', 0)).toBe(true)
    expect(trust('11.0.0.1', 0)).toBe(false)
    expect(trust('2001:db9::1', 0)).toBe(false)
    expect(trustProxyOption(['linklocal'])!('169.254.1.1', 0)).toBe(true)
    expect(trustProxyOption(['uniquelocal'])!('fd00::1', 0)).toBe(true)
    expect(trustProxyOption(['uniquelocal'])!('172.32.0.1', 0)).toBe(false)
    expect(trustProxyOption('203.0.113.7')!('203.0.113.7', 0)).toBe(true)
    expect(trustProxyOption('203.0.113.7')!('203.0.113.8', 0)).toBe(false)
    // IPv4 ranges are judged as integers: the edges of the space and of a prefix.
    expect(trustProxyOption('0.0.0.0/0')!('255.255.255.255', 0)).toBe(true)
    expect(trustProxyOption('0.0.0.0/0')!('2001:db8::1', 0)).toBe(false)
    expect(trustProxyOption('255.255.255.255')!('255.255.255.255', 0)).toBe(true)
    expect(trustProxyOption('255.255.255.255')!('255.255.255.254', 0)).toBe(false)
    expect(trustProxyOption('128.0.0.0/1')!('200.1.1.1', 0)).toBe(true)
    expect(trustProxyOption('128.0.0.0/1')!('127.255.255.255', 0)).toBe(false)
    expect(trustProxyOption('10.1.2.3/8')!('10.255.0.1', 0)).toBe(true)
    expect(trustProxyOption('10.0.0.0/8')!('not an address', 0)).toBe(false)
  })

  it('matches IPv4-mapped IPv6 ranges and addresses as IPv4', () => {
    expect(trustProxyOption(['::ffff:10.0.0.0/104'])!('10.1.2.3', 0)).toBe(true)
    expect(trustProxyOption(['::ffff:10.0.0.0/104'])!('11.1.2.3', 0)).toBe(false)
    expect(trustProxyOption(['loopback'])!('::ffff:127.0.0.1', 0)).toBe(true)
  })

  it('counts hops for a number and takes a function as it is', () => {
    const two = trustProxyOption(2)!
    expect([two('203.0.113.1', 0), two('203.0.113.1', 1), two('203.0.113.1', 2)]).toEqual([
      true,
      true,
      false,
    ])
    const own = (value: string) => value === '192.0.2.1'
    expect(trustProxyOption(own)).toBe(own)
    expect(trustProxyOption(true)!('203.0.113.1', 99)).toBe(true)
  })
})

describe('clientAddress', () => {
  it('is the peer without trust, whatever the headers say', () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.8' }
    expect(address('127.0.0.1', spoofed)).toBe('127.0.0.1')
    expect(address('127.0.0.1', spoofed, false)).toBe('127.0.0.1')
    expect(address('127.0.0.1', spoofed, 0)).toBe('127.0.0.1')
  })

  it('never reads a header without trust', () => {
    const read: string[] = []
    clientAddress(
      '127.0.0.1',
      (name) => {
        read.push(name)
        return '203.0.113.7'
      },
      trustProxyOption(undefined),
    )
    expect(read).toEqual([])
  })

  it('gives canonical addresses, IPv4-mapped IPv6 as IPv4', () => {
    expect(address('::ffff:127.0.0.1', {})).toBe('127.0.0.1')
    expect(address('2001:DB8:0:0::1', {})).toBe('2001:db8::1')
    expect(address('2001:DB8:0:0::1', {})).toBe('2001:db8::1')
    expect(address('::FFFF:7f00:1', {})).toBe('127.0.0.1')
    expect(address('::1', {})).toBe('::1')
  })

  it('has no address for an unknown or malformed peer', () => {
    const peers = [undefined, '', 'localhost', '127.1', '1.2.3.4:80', '[::1]', ' 127.0.0.1', ':::1']
    // Twice: what was once found not to be an address is remembered as such.
    for (const peer of [...peers, ...peers]) {
      expect(address(peer, {}), String(peer)).toBeUndefined()
    }
  })

  it('walks X-Forwarded-For from the right through trusted hops', () => {
    const xff = (value: string, trust: unknown, peer = '127.0.0.1') =>
      address(peer, { 'x-forwarded-for': value }, trust)
    expect(xff('203.0.113.7', 'loopback')).toBe('203.0.113.7')
    expect(xff('198.51.100.1, 203.0.113.7', 'loopback')).toBe('203.0.113.7')
    // Every hop trusted: the leftmost is the client.
    expect(xff('198.51.100.1, 10.0.0.2', 'loopback, 10.0.0.0/8')).toBe('198.51.100.1')
    // An untrusted hop in between decides, whatever a client wrote to its left.
    expect(xff('198.51.100.1, 203.0.113.9, 10.0.0.2', 'loopback, 10.0.0.0/8')).toBe('203.0.113.9')
    // The peer itself untrusted: the headers are its own word.
    expect(xff('203.0.113.7', 'loopback', '192.0.2.1')).toBe('192.0.2.1')
    // A hop count: the nearest `n` hops, the peer counted.
    expect(xff('198.51.100.1, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7')
    expect(xff('198.51.100.1, 203.0.113.7, 10.0.0.2', 1)).toBe('10.0.0.2')
    expect(xff('198.51.100.1', 5)).toBe('198.51.100.1')
    expect(xff(' 203.0.113.7 ,, ', 'loopback')).toBe('203.0.113.7')
    expect(xff('::ffff:203.0.113.7', 'loopback')).toBe('203.0.113.7')
    expect(xff('2001:db8::7', 'loopback', '::1')).toBe('2001:db8::7')
  })

  it('has no address when the walk reaches an entry that is not an address', () => {
    const xff = (value: string) => address('127.0.0.1', { 'x-forwarded-for': value }, 'loopback')
    for (const value of ['unknown', '203.0.113.7:443', '[2001:db8::1]', '203.0.113', 'x']) {
      expect(xff(value), value).toBeUndefined()
    }
    expect(xff('junk, 203.0.113.7, 127.0.0.2')).toBe('203.0.113.7')
    expect(xff('203.0.113.7, junk, 127.0.0.2')).toBeUndefined()
  })

  it('reads RFC 7239 Forwarded: quoting, ports, IPv6, other parameters', () => {
    const fwd = (value: string, trust: unknown = 'loopback') =>
      address('127.0.0.1', { forwarded: value }, trust)
    expect(fwd('for=203.0.113.7')).toBe('203.0.113.7')
    expect(fwd('For="203.0.113.7:8443";proto=https;by=127.0.0.1')).toBe('203.0.113.7')
    expect(fwd('for="[2001:db8:cafe::17]:4711"')).toBe('2001:db8:cafe::17')
    expect(fwd('for="[2001:db8::1]"; proto=http')).toBe('2001:db8::1')
    expect(fwd('for=198.51.100.1, for=203.0.113.7')).toBe('203.0.113.7')
    expect(fwd('for=198.51.100.1, for="10.0.0.2:_port"', 'loopback, 10.0.0.0/8')).toBe(
      '198.51.100.1',
    )
    expect(fwd('proto=http;for="quoted\\, comma", for=203.0.113.7')).toBe('203.0.113.7')
  })

  it('has no address for obfuscated, unknown or malformed Forwarded nodes', () => {
    const fwd = (value: string) => address('127.0.0.1', { forwarded: value }, 'loopback')
    for (const value of [
      'for=unknown',
      'for=_hidden',
      'for="_gazonk"',
      'for="[2001:db8::1]:_x"; proto=http, for=_obf',
      'for=[2001:db8::1]',
      'for="[2001:db8::1"',
      'for=2001:db8::1',
      'for="203.0.113.7:port"',
      'for="203.0.113.7:70000000"',
      'proto=https',
      'for=203.0.113.7;for=203.0.113.8',
      'for=',
      'for = 203.0.113.7',
      'for="203.0.113.7',
      'for="203.0.113.7\\',
      'for=203.0.113.7 x',
      '=203.0.113.7',
    ]) {
      expect(fwd(value), value).toBeUndefined()
    }
  })

  it('has no address when Forwarded and X-Forwarded-For disagree', () => {
    const both = (forwarded: string, forwardedFor: string) =>
      address('127.0.0.1', { forwarded, 'x-forwarded-for': forwardedFor }, 'loopback')
    expect(both('for=203.0.113.7', '203.0.113.7')).toBe('203.0.113.7')
    expect(both('for=198.51.100.1', '203.0.113.7')).toBeUndefined()
  })

  it('is the peer without forwarded headers, trusted or not', () => {
    expect(address('127.0.0.1', {}, true)).toBe('127.0.0.1')
    expect(address('127.0.0.1', { 'x-forwarded-for': '' }, 'loopback')).toBe('127.0.0.1')
  })
})

/** Any IPv4 or IPv6 address, as text. */
const anyAddress = fc.oneof(fc.ipV4(), fc.ipV6())
/** Header values a client could send: addresses, lists of them, Forwarded forms, junk. */
const headerValue = fc.oneof(
  anyAddress,
  fc.array(anyAddress, { maxLength: 5 }).map((list) => list.join(', ')),
  anyAddress.map((value) => `for="${value.includes(':') ? `[${value}]` : value}"`),
  fc.string({ maxLength: 40 }),
)

describe('clientAddress, properties', () => {
  it('without trust is always the peer, whatever the headers', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.option(headerValue, { nil: undefined }),
        fc.option(headerValue, { nil: undefined }),
        fc.constantFrom(undefined, false, 0, [] as string[]),
        (peer, forwardedFor, forwarded, trust) => {
          const values: Record<string, string> = {}
          if (forwardedFor !== undefined) values['x-forwarded-for'] = forwardedFor
          if (forwarded !== undefined) values.forwarded = forwarded
          expect(address(peer, values, trust)).toBe(peer)
        },
      ),
    )
  })

  it('never gives anything but an address the client sent or the peer', () => {
    fc.assert(
      fc.property(
        anyAddress,
        headerValue,
        fc.constantFrom<unknown>(true, 1, 3, 'loopback', '0.0.0.0/0, ::/0'),
        (peer, forwardedFor, trust) => {
          const found = address(peer, { 'x-forwarded-for': forwardedFor }, trust)
          if (found === undefined) return
          const sent = [peer, ...forwardedFor.split(',')].map((value) => address(value.trim(), {}))
          expect(sent).toContain(found)
        },
      ),
    )
  })

  it('lets no hop beyond the first untrusted one decide', () => {
    fc.assert(
      fc.property(
        fc.array(fc.ipV4(), { maxLength: 4 }),
        fc.ipV4().filter((value) => !/^(10|127)\./.test(value)),
        fc.array(
          fc.ipV4().map((value) => `10.${value.split('.').slice(1).join('.')}`),
          {
            maxLength: 3,
          },
        ),
        (spoofed, client, proxies) => {
          const forwardedFor = [...spoofed, client, ...proxies].join(', ')
          const found = address('127.0.0.1', { 'x-forwarded-for': forwardedFor }, [
            'loopback',
            '10.0.0.0/8',
          ])
          expect(found).toBe(address(client, {}))
        },
      ),
    )
  })
})
