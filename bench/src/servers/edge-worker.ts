/**
 * The worker the edge case runs in workerd: examples/edge-hono's Keyward instance (keys and
 * revocations from the origin) and two routes of its own: `GET /check?n=` runs `check()` on the
 * bearer token `n` times in a loop (the bench subtracts `n=0` to get the cost per call), and
 * `GET /v1/projects` is the example's protected route.
 */
import { createEdgeApp, createEdgeKeyward, type EdgeHonoEnv } from '@keyward/example-edge-hono'
import type { ExecutionContext } from 'hono'

let built: ReturnType<typeof build> | undefined

function build(env: EdgeHonoEnv) {
  const options = {
    originUrl: env.KEYWARD_ORIGIN_URL,
    edgeSecret: env.KEYWARD_EDGE_SECRET,
    pollInterval: Number(env.KEYWARD_POLL_INTERVAL ?? 1_000),
  }
  return { app: createEdgeApp(options), direct: createEdgeKeyward(options) }
}

export default {
  async fetch(request: Request, env: EdgeHonoEnv, ctx: ExecutionContext): Promise<Response> {
    built ??= build(env)
    const url = new URL(request.url)
    if (url.pathname === '/check') {
      const token = (request.headers.get('authorization') ?? '').slice('Bearer '.length)
      const { keyward } = built.direct
      await keyward.ready()
      await keyward.verify(token)
      const n = Number(url.searchParams.get('n') ?? 0)
      let sink = 0
      for (let i = 0; i < n; i++) {
        // On the edge hashing is Web Crypto, so a hit may come back as a promise.
        const result = keyward.check(token)
        sink += (result instanceof Promise ? await result : result).scopes.length
      }
      return Response.json({ n, sink })
    }
    return built.app.fetch(request, env, ctx)
  },
}
