import { describe, expect, it } from 'vitest'
import { canonicalIpRule, compileIpRules } from './ip-rules.js'

describe('canonicalIpRule', () => {
  it('writes addresses and ranges one way: network address, no host prefix, IPv4-mapped as IPv4', () => {
    const cases: [string, string][] = [
      ['203.0.113.7', '203.0.113.7'],
      ['203.0.113.7/32', '203.0.113.7'],
      ['203.0.113.9/24', '203.0.113.0/24'],
      ['0.0.0.0/0', '0.0.0.0/0'],
      ['2001:DB8:0:0::1', '2001:db8::1'],
      ['2001:db8::1/128', '2001:db8::1'],
      ['2001:db8:1:2::/32', '2001:db8::/32'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['::ffff:192.0.2.77/120', '192.0.2.0/24'],
      ['::ffff:c000:0201', '192.0.2.1'],
      ['::/0', '::/0'],
    ]
    for (const [given, canonical] of cases) expect(canonicalIpRule(given), given).toBe(canonical)
  })

  it('refuses what is not an address or range, and ambiguous IPv4 spellings', () => {
    for (const bad of [
      '',
      'localhost',
      '203.0.113',
      '203.0.113.256',
      '010.0.0.1',
      '0x7f.0.0.1',
      '203.0.113.7/33',
      '203.0.113.7/',
      '203.0.113.7/024',
      '2001:db8::1/129',
      'fe80::1%eth0',
      '2001:db8::g',
      '1.2.3.4/8/8',
    ]) {
      expect(canonicalIpRule(bad), bad).toBeUndefined()
    }
  })
})

describe('compileIpRules', () => {
  const matches = compileIpRules(['203.0.113.0/24', '198.51.100.7', '2001:db8:1::/48'])

  it('matches IPv4 clients inside a range or equal to an address, and nothing else', () => {
    expect(matches('203.0.113.0')).toBe(true)
    expect(matches('203.0.113.255')).toBe(true)
    expect(matches('198.51.100.7')).toBe(true)
    expect(matches('198.51.100.8')).toBe(false)
    expect(matches('203.0.114.1')).toBe(false)
  })

  it('matches an IPv4-mapped IPv6 client against IPv4 rules', () => {
    expect(matches('::ffff:203.0.113.7')).toBe(true)
    expect(matches('::FFFF:198.51.100.7')).toBe(true)
    expect(matches('::ffff:198.51.100.8')).toBe(false)
  })

  it('matches IPv6 clients against IPv6 rules, a zone ignored', () => {
    expect(matches('2001:db8:1::9')).toBe(true)
    expect(matches('2001:db8:1:ffff::1')).toBe(true)
    expect(matches('2001:db8:2::1')).toBe(false)
    expect(matches('2001:db8:1::9%eth0')).toBe(true)
    // An IPv4 rule never matches an IPv6 address that merely shares its bits elsewhere.
    expect(matches('2001:db8::cb00:7107')).toBe(false)
    expect(matches('64:ff9b::203.0.113.7')).toBe(false)
  })

  it('fails closed: no address, garbage and ambiguous spellings are outside', () => {
    for (const client of [undefined, '', 'unknown', '203.0.113', '0203.0.113.7', '203.0.113.7 ']) {
      expect(matches(client), String(client)).toBe(false)
    }
  })

  it('answers for each client, whatever the previous one was (the last address is memoised)', () => {
    const other = compileIpRules(['10.0.0.0/8'])
    expect(matches('203.0.113.7')).toBe(true)
    expect(other('203.0.113.7')).toBe(false)
    expect(other('10.1.2.3')).toBe(true)
    expect(matches('10.1.2.3')).toBe(false)
    expect(matches('203.0.113.7')).toBe(true)
  })

  it('skips a stored entry that does not parse (it matches nothing), keeping the others', () => {
    const partly = compileIpRules(['not an address', '10.0.0.0/8'])
    expect(partly('10.0.0.1')).toBe(true)
    expect(partly('192.0.2.1')).toBe(false)
    expect(compileIpRules(['garbage'])('192.0.2.1')).toBe(false)
  })

  it('matches every address with 0.0.0.0/0 and ::/0, each family its own', () => {
    expect(compileIpRules(['0.0.0.0/0'])('192.0.2.1')).toBe(true)
    expect(compileIpRules(['0.0.0.0/0'])('2001:db8::1')).toBe(false)
    expect(compileIpRules(['::/0'])('2001:db8::1')).toBe(true)
  })
})
