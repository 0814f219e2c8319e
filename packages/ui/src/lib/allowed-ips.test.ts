import { describe, expect, it } from 'vitest'
import { defaultStrings } from '../strings.js'
import type { ApiKeyJson } from '../types.js'
import { ALLOWED_IPS_MAX, allowedIpsPatch, readAllowedIps, splitAllowedIps } from './allowed-ips.js'
import type { FieldErrors } from './form-errors.js'

const form = (text: string) => {
  const data = new FormData()
  data.set('allowedIps', text)
  return data
}

describe('the allowed IPs field', () => {
  it('reads one entry per line or separated by commas, blanks dropped', () => {
    expect(splitAllowedIps(' 203.0.113.7\n\n10.0.0.0/8, 2001:db8::/32 ,\n::ffff:1.2.3.4 ')).toEqual(
      ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::ffff:1.2.3.4'],
    )
    expect(splitAllowedIps('  \n ')).toEqual([])
  })

  it('refuses an entry shaped like no address or range, naming it; leaves the rest to the server', () => {
    const errors: FieldErrors = {}
    expect(
      readAllowedIps(form('10.0.0.0/8\nexample.com\n1.2.3'), errors, defaultStrings),
    ).toHaveLength(3)
    expect(errors.allowedIps).toBe('“example.com” is not an IP address or CIDR range.')
    // Shapes the server judges (an octet or a prefix out of range): its 422 names the entry.
    const passed: FieldErrors = {}
    readAllowedIps(form('10.0.0.0/33\n300.1.1.1\nfe80::1/64'), passed, defaultStrings)
    expect(passed).toEqual({})
  })

  it(`refuses more than ${ALLOWED_IPS_MAX} entries`, () => {
    const errors: FieldErrors = {}
    const many = Array.from({ length: ALLOWED_IPS_MAX + 1 }, (_, i) => `10.0.${i >> 8}.${i & 255}`)
    readAllowedIps(form(many.join('\n')), errors, defaultStrings)
    expect(errors.allowedIps).toBe(defaultStrings.tooManyIps(ALLOWED_IPS_MAX))
  })

  it('patches only a change: the same list is nothing, an emptied list removes the rules', () => {
    const key = { allowedIps: ['10.0.0.0/8'] } as ApiKeyJson
    expect(allowedIpsPatch(key, ['10.0.0.0/8'])).toBeUndefined()
    expect(allowedIpsPatch(key, [])).toBeNull()
    expect(allowedIpsPatch(key, ['10.0.0.0/8', '::1'])).toEqual(['10.0.0.0/8', '::1'])
    expect(allowedIpsPatch({} as ApiKeyJson, [])).toBeUndefined()
  })
})
