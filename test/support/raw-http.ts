import { connect } from 'node:net'

/**
 * An HTTP/1.1 request with header lines written to the socket exactly as given (a name
 * may repeat, which Node's client and Fetch would merge or refuse).
 */
export function rawHeadersRequest(
  base: string,
  method: string,
  path: string,
  headers: readonly (readonly [string, string])[],
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close']
    for (const [name, value] of headers) lines.push(`${name}: ${value}`)
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const [head = '', ...rest] = raw.split('\r\n\r\n')
      const [statusLine = '', ...fields] = head.split('\r\n')
      const parsed: Record<string, string> = {}
      for (const field of fields) {
        const colon = field.indexOf(':')
        parsed[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim()
      }
      let text = rest.join('\r\n\r\n')
      // A chunked body: keep the chunks' data.
      if (parsed['transfer-encoding'] === 'chunked') {
        let body = ''
        let at = 0
        for (;;) {
          const end = text.indexOf('\r\n', at)
          const size = Number.parseInt(text.slice(at, end), 16)
          if (!size) break
          body += text.slice(end + 2, end + 2 + size)
          at = end + 2 + size + 2
        }
        text = body
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, text })
    })
  })
}
