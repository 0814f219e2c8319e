import { expect, test } from 'vitest'
import { setup } from '../test/fixtures.js'

test('an access token counts toward its parent key: valid uses, refusals and the last use', async () => {
  // setup verified the API key once; it is verified once more here, and its token 3 times.
  const { accessTokens, keyward, key, apiKey } = await setup()
  const token = await accessTokens.mintAccessToken(key, { scopes: ['projects:read'] })
  await keyward.verify(apiKey)
  for (let n = 0; n < 3; n++) {
    await keyward.verify(token, { clientIp: '198.51.100.4', userAgent: 'worker/2' })
  }
  await expect(keyward.verify(token, { scopes: ['projects:write'] })).rejects.toMatchObject({
    code: 'insufficient_scope',
  })
  await keyward.usage!.flush()
  const { buckets } = await keyward.usage!.get(key.id, { granularity: 'day' })
  expect(buckets.at(-1)?.outcomes).toEqual({ valid: 5, insufficient_scope: 1 })
  expect((await keyward.keys.get(key.id))?.lastUsed).toMatchObject({
    ip: '198.51.100.4',
    userAgent: 'worker/2',
  })
})
