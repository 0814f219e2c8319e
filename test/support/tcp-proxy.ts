import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP forwarder that can be cut, stalled and restored: it partitions one client
 * from a Redis server while every other client keeps talking to that server.
 */
export interface TcpProxy {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Drops every open connection and refuses new ones until {@link TcpProxy.restore}. */
  cut(): Promise<void>
  /**
   * Makes the link go silent without closing anything, as a dead route or a frozen peer
   * would: bytes stop flowing both ways on every open connection (they wait in the proxy),
   * new connections are accepted but carry nothing, and no side sees an error or a close.
   * Synchronous, so nothing slips through after it returns. Undone by {@link TcpProxy.resume}.
   */
  stall(): void
  /** Lets the held bytes and everything after them flow again, on every connection. */
  resume(): void
  /** Accepts connections again (and resumes a stalled link). */
  restore(): Promise<void>
  /** Cuts and releases the port for good. */
  close(): Promise<void>
}

/** Starts forwarding `127.0.0.1:<port>` to `127.0.0.1:<targetPort>`. */
export async function startTcpProxy(port: number, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  const pairs = new Set<readonly [Socket, Socket]>()
  let server: Server | undefined
  let stalled = false

  const flow = ([client, upstream]: readonly [Socket, Socket]) => {
    client.pipe(upstream)
    upstream.pipe(client)
  }
  const hold = ([client, upstream]: readonly [Socket, Socket]) => {
    client.unpipe(upstream)
    upstream.unpipe(client)
    client.pause()
    upstream.pause()
  }

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = connect({ host: '127.0.0.1', port: targetPort })
        const pair = [client, upstream] as const
        pairs.add(pair)
        client.once('close', () => pairs.delete(pair))
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.once('close', () => sockets.delete(socket))
          // A reset on one side ends the pair; the error itself is expected while cutting.
          socket.on('error', () => {
            client.destroy()
            upstream.destroy()
          })
        }
        // While stalled, a new connection stays paused: its bytes wait until resume().
        if (!stalled) flow(pair)
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
    pairs.clear()
    await closed
  }

  const stall = () => {
    if (stalled) return
    stalled = true
    for (const pair of pairs) hold(pair)
  }
  const resume = () => {
    if (!stalled) return
    stalled = false
    for (const pair of pairs) flow(pair)
  }

  await listen()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cut,
    stall,
    resume,
    async restore() {
      resume()
      if (!server) await listen()
    },
    close: cut,
  }
}
