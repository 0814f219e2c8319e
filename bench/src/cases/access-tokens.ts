import { createKeyward } from '@keyward/core'
import { createAccessTokens, generateSigningKey } from '@keyward/jwt'
import { jwtVerify } from 'jose'
import { compare } from '../micro.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import { microRow } from './verify.js'

const ISSUER = 'https://api.example.com'
const AUDIENCE = 'https://api.example.com'

/**
 * Case 2: an access token through `keyward.verify` (the jwt TokenKind), first and repeated,
 * against jose's `jwtVerify` on the same token with the same key and checks.
 */
export async function accessTokenCase(settings: BenchSettings): Promise<CaseResult> {
  const signingKey = await generateSigningKey('EdDSA')
  const accessTokens = createAccessTokens({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [signingKey],
  })
  const keyward = createKeyward({ prefix: 'kw_live', tokenKinds: [accessTokens] })
  // No positive cache: every call verifies the signature, as for a token seen the first time.
  // The same store and list: every use of an access token is bounded by its parent key's
  // record, which this instance then reads from the store each time too.
  const uncached = createKeyward({
    prefix: 'kw_live',
    tokenKinds: [accessTokens],
    store: keyward.store,
    revocations: keyward.revocations,
    cache: { max: 0 },
  })
  const { token: apiKey } = await keyward.keys.create({
    name: 'bench',
    ownerId: 'org_bench',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })
  const token = await accessTokens.mintAccessToken(await keyward.verify(apiKey), { ttl: '1h' })
  await keyward.verify(token)
  await uncached.verify(token)

  const jose = {
    name: 'jose jwtVerify (same key, iss, aud, alg, typ)',
    run: () =>
      jwtVerify(token, signingKey.publicKey as CryptoKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['EdDSA'],
        typ: 'at+jwt',
      }),
  }
  const cached = await compare(
    { name: 'verify cached', run: () => keyward.verify(token) },
    jose,
    settings.micro,
  )
  const first = await compare(
    { name: 'verify first', run: () => uncached.verify(token) },
    jose,
    settings.micro,
  )
  const checked = await compare(
    { name: 'check cached', run: () => keyward.check(token) },
    jose,
    settings.micro,
  )
  await keyward.close()
  await uncached.close()

  const rows: Row[] = [
    microRow(
      'verify(accessToken) — first verification (cache.max 0)',
      first,
      'signature and claims checked, the parent key read from the store, then revocation, expiry, scopes',
    ),
    microRow('verify(accessToken) — repeated (cached)', cached),
    microRow('check(accessToken) — repeated (cached)', checked),
  ]
  return {
    section: {
      id: 'access-tokens',
      title: '2. Access tokens against jose',
      description:
        'An EdDSA access token minted by `@keyward/jwt` (`createAccessTokens`), verified through ' +
        '`keyward.verify` with the jwt TokenKind, against jose `jwtVerify` on the same token with the ' +
        'same public key, issuer, audience, algorithm and `typ`. "First" uses a keyward without a ' +
        'positive cache, so each call checks the signature.',
      rows,
      notes: [],
    },
    targets: [
      {
        name: 'cached access-token verify ÷ jose jwtVerify',
        measured: cached.ratio,
        unit: 'times',
        goal: '≤ 0.05×',
        met: cached.ratio <= 0.05,
      },
    ],
  }
}
