/**
 * Serves a fetch handler (a Hono app's `app.fetch`) over real HTTP on 127.0.0.1 through
 * `@hono/node-server`, on a free port. Kept here because that server is a dependency of the
 * integration workspace, not of the adapters.
 */
export async function serveFetch(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { serve } = await import('@hono/node-server')
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) =>
            server.close((error) => (error ? fail(error) : done())),
          ),
      })
    })
  })
}
