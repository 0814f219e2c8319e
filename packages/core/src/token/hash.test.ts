import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTokenHasher, hashToken, webCryptoHasher } from './hash.js'
import { generateToken } from './token.js'

describe('token hashing', () => {
  it('is SHA-256 as base64url, 43 characters', async () => {
    // SHA-256("abc"), a FIPS 180-2 test vector, in base64url.
    expect(await hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
  })

  it('gives identical output through node:crypto and crypto.subtle', async () => {
    const node = createTokenHasher()
    const web = webCryptoHasher(undefined)
    expect(node.hashSync).toBeTypeOf('function')
    expect(web.hashSync).toBeUndefined()
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (text) => {
        const expected = await web.hash(text)
        expect(await node.hash(text)).toBe(expected)
        expect(node.hashSync!(text)).toBe(expected)
      }),
      { numRuns: 200 },
    )
  })

  it('gives identical peppered (HMAC-SHA-256) output on both paths, unlike the plain hash', async () => {
    const pepper = 'a pepper of sixteen+ bytes'
    const node = createTokenHasher({ pepper })
    const web = webCryptoHasher(new TextEncoder().encode(pepper))
    const token = generateToken('kw_live')
    const peppered = await node.hash(token)
    expect(peppered).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await web.hash(token)).toBe(peppered)
    expect(peppered).not.toBe(await hashToken(token))
    expect(peppered).toBe(createHmac('sha256', pepper).update(token).digest('base64url'))
  })

  it('rejects a short or mistyped pepper when built', () => {
    expect(() => createTokenHasher({ pepper: 'short' })).toThrow(/^pepper must be/)
    expect(() => createTokenHasher({ pepper: 12 as unknown as string })).toThrow(TypeError)
  })
})
