/**
 * Token hashing through `crypto.subtle`, the path of runtimes without `node:crypto`. Private
 * to core: `createTokenHasher` chooses it, and the hashing test reaches it directly to compare
 * it with the `node:crypto` path on Node.
 */

import { toBase64Url } from '../lib/base64url.js'
import type { TokenHasher } from './hash.js'

const encoder = new TextEncoder()

/** SHA-256 (or HMAC-SHA-256 with `pepper`, already validated) of tokens, as base64url. */
export function webCryptoHasher(pepper: Uint8Array<ArrayBuffer> | undefined): TokenHasher {
  if (pepper !== undefined) {
    const key = crypto.subtle.importKey('raw', pepper, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    return {
      hashSync: undefined,
      hash: async (token) =>
        toBase64Url(
          new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(token))),
        ),
    }
  }
  return {
    hashSync: undefined,
    hash: async (token) =>
      toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)))),
  }
}
