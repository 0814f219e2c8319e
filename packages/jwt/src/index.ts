export {
  type AccessTokenVerifier,
  createAccessTokenVerifier,
} from './create-access-token-verifier.js'
export { type AccessTokens, createAccessTokens } from './create-access-tokens.js'
export { type GeneratedSigningKey, generateSigningKey } from './generate-signing-key.js'
export {
  ACCESS_TOKEN_ALGORITHMS,
  type AccessTokenAlgorithm,
  type AccessTokenPayload,
  type AccessTokensOptions,
  type AccessTokenVerificationOptions,
  type AccessTokenVerifierOptions,
  type JwksSource,
  type MintAccessTokenOptions,
  type SigningKey,
  type VerifyAccessTokenOptions,
} from './types.js'
