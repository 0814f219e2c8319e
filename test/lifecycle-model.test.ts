import { describe, it } from 'vitest'
import {
  type Backend,
  checkLifecycle,
  createModelStats,
  type LifecycleCheckOptions,
} from './support/lifecycle-model.js'

// Issue 9, "A dead key never acts again", as a stateful property: random sequences of
// create, verify, mint, update, rotate, revoke, revoke-all, suspend, resume, network rules
// (issue 22), clock moves, races of a store read against a change, and management requests
// whose body arrives after another command, run against two Keyward instances (B's clock
// 3 s ahead) and a plain model of DESIGN.md's rules. After every command each credential
// must verify on each instance exactly as the model says, from a client address inside or
// outside its key's allowedIps (IPv4, IPv6, IPv4-mapped IPv6, or none): a suspended key and
// its access tokens never verify, a resume never lifts a revocation. Rotations until first use
// (issue 25): the successor's first verification on either instance revokes the old key on both
// within the bound; a `reused` event only ever names a rotated key and its successor.
// Self-rotation (`POST /self/rotate`): only an API key holding `api_keys:rotate_self` gets a
// successor, once, with its own scopes and expiry. `pnpm exec tsx test/model-check.ts --runs 2000` runs many more.

async function run(backend: Backend, numRuns: number, label: string): Promise<void> {
  const stats = createModelStats()
  const options: LifecycleCheckOptions = {
    backend,
    numRuns,
    maxCommands: 40,
    stats,
    // Bounds shrinking of a failure too, so a broken build fails in time rather than hangs.
    timeLimit: 45_000,
  }
  try {
    await checkLifecycle(options)
  } finally {
    console.log(
      `lifecycle model (${label}): ${stats.sequences} sequences, ${stats.commands} commands, ` +
        `${stats.verifications} verifications, ${stats.races} races held at a store read, ` +
        `${stats.handovers} first-use hand-overs, ${stats.selfRotations} self-rotations`,
    )
  }
}

describe('the key lifecycle follows its model', () => {
  it('on two instances sharing one memory store and revocation list', async () => {
    await run('memory', 200, 'memory')
  }, 90_000)

  it('on two instances sharing Redis, each with its own client and revocation list', async () => {
    await run('redis', 40, 'redis')
  }, 90_000)
})
