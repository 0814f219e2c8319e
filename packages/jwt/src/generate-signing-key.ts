import { base64url, generateKeyPair, generateSecret } from 'jose'
import type { AccessTokenAlgorithm, SigningKey } from './types.js'

/** What {@link generateSigningKey} returns: a {@link SigningKey} with `kid` and `alg` filled in. */
export type GeneratedSigningKey = SigningKey & { kid: string; alg: AccessTokenAlgorithm }

/**
 * Generates a fresh key for `signingKeys`: an Ed25519 pair by default (`EdDSA`), else a
 * P-256 (`ES256`) or 2048-bit RSA (`RS256`) pair, or a 256-bit `HS256` secret. The private
 * key is not extractable; `kid` defaults to 16 random base64url characters.
 *
 * Keys generated at start-up vanish on restart, and with them every outstanding access
 * token; for several instances, load the same keys into each.
 */
export async function generateSigningKey(
  alg: AccessTokenAlgorithm = 'EdDSA',
  options: { kid?: string } = {},
): Promise<GeneratedSigningKey> {
  const kid = options.kid ?? base64url.encode(crypto.getRandomValues(new Uint8Array(12)))
  if (alg === 'HS256') return { kid, alg, secret: await generateSecret('HS256') }
  if (alg !== 'EdDSA' && alg !== 'ES256' && alg !== 'RS256') {
    throw new TypeError('alg must be one of EdDSA, ES256, RS256, HS256')
  }
  const { privateKey, publicKey } = await generateKeyPair(alg)
  return { kid, alg, privateKey, publicKey }
}
