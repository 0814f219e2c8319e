/**
 * A cache-hit loop of `check()` (or of awaited `verify()`) to profile:
 * node --cpu-prof --cpu-prof-dir=results/profiles --import tsx src/probes/verify-hot-loop.ts [seconds] [check|verify]
 */
import { createKeyward } from '@keyward/core'

const keyward = createKeyward({ prefix: 'kw_live' })
const { token } = await keyward.keys.create({
  name: 'profile',
  ownerId: 'org_profile',
  scopes: ['projects:read'],
  expiresIn: '1d',
})
await keyward.verify(token)
const until = performance.now() + Number(process.argv[2] ?? 5) * 1000
let calls = 0
const awaited = process.argv[3] === 'verify'
while (performance.now() < until) {
  if (awaited) for (let i = 0; i < 10_000; i++) await keyward.verify(token)
  else for (let i = 0; i < 10_000; i++) keyward.check(token)
  calls += 10_000
}
console.log(`${calls} calls`)
await keyward.close()
