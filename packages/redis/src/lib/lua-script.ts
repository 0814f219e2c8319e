import { createHash } from 'node:crypto'
import type { RedisClient } from './client.js'

/**
 * A Lua script run with `EVALSHA`, falling back to `EVAL` once when the server has not seen
 * it yet. Unlike `defineCommand`, it adds nothing to the caller's client. Scripts run
 * atomically, and every key they touch is passed in `KEYS`, so they run on Redis Cluster.
 */
export class LuaScript {
  readonly #source: string
  readonly #sha: string

  constructor(source: string) {
    this.#source = source
    this.#sha = createHash('sha1').update(source).digest('hex')
  }

  async run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return client.eval(this.#source, keys.length, ...keys, ...args)
    }
  }
}
