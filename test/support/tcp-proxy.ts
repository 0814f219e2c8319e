import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP forwarder that can be cut and restored: it partitions one client from a
 * Redis server while every other client keeps talking to that server.
 */
export interface TcpProxy {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Drops every open connection and refuses new ones until {@link TcpProxy.restore}. */
  cut(): Promise<void>
  /** Accepts connections again. */
  restore(): Promise<void>
  /** Cuts and releases the port for good. */
  close(): Promise<void>
}

/** Starts forwarding `127.0.0.1:<port>` to `127.0.0.1:<targetPort>`. */
export async function startTcpProxy(port: number, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let server: Server | undefined

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: targetPort })
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.once('close', () => sockets.delete(socket))
          // A reset on one side ends the pair; the error itself is expected while cutting.
          socket.on('error', () => {
            client.destroy()
            upstream.destroy()
          })
        }
        client.pipe(upstream)
        upstream.pipe(client)
      })
      next.once('error', reject)
      next.listen(port, '127.0.0.1', () => {
        server = next
        resolve()
      })
    })

  const cut = async () => {
    const current = server
    server = undefined
    // Refuse first, then drop what is open, so nothing slips through in between.
    const closed = current
      ? new Promise<void>((resolve) => current.close(() => resolve()))
      : undefined
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    await closed
  }

  await listen()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cut,
    async restore() {
      if (!server) await listen()
    },
    close: cut,
  }
}
