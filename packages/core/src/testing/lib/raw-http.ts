/**
 * An HTTP/1.1 client over a plain TCP socket, for the conformance cases that Fetch cannot
 * send: a header name on several lines (Fetch and Node's client merge or refuse them), a
 * path exactly as given (Fetch resolves dots and re-encodes), and a body held back until the
 * server has seen the headers. The socket comes from `node:net`, reached at run time through
 * `process.getBuiltinModule` so that core has no static `node:` import (DESIGN.md).
 */

/** The part of a `node:net` socket used here. */
interface NodeSocket {
  on(event: 'connect' | 'end', listener: () => void): NodeSocket
  on(event: 'data', listener: (chunk: Uint8Array) => void): NodeSocket
  on(event: 'error', listener: (error: Error) => void): NodeSocket
  write(data: string | Uint8Array): boolean
  destroy(): void
}

interface NodeNet {
  connect(options: { host: string; port: number }): NodeSocket
}

function nodeNet(): NodeNet {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process
  const net = process?.getBuiltinModule?.('node:net') as NodeNet | undefined
  if (net === undefined) {
    throw new Error(
      'These conformance cases send raw HTTP through node:net, reached with ' +
        'process.getBuiltinModule (Node ≥ 20.16, Bun, Deno), which this runtime lacks. ' +
        'Serve the app over HTTP from one of those runtimes, or hand the adapter cases a ' +
        '`handle` function to run only the cases that need no socket.',
    )
  }
  return net
}

/** A request written to the socket as given. */
export interface RawHttpRequest {
  /** `http://127.0.0.1:<port>`: where the server listens. */
  origin: string
  method: string
  /** The request target, sent as it is. */
  path: string
  /** Header lines in order; a name may repeat. `host`, `connection: close` and, with a body, `content-length` are added. */
  headers?: readonly (readonly [string, string])[]
  body?: string | Uint8Array
  /**
   * Runs once the headers are written and before the body is: the server can authenticate
   * the caller on its headers, and the caller's state then change, before the body arrives.
   */
  beforeBody?(): Promise<void>
}

/** The server's answer. */
export interface RawHttpAnswer {
  status: number
  /** Every header line, repeated names appended. */
  headers: Headers
  /** The body as UTF-8 text, chunked transfer coding removed. */
  text: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Sends one request on its own connection and resolves with the answer once the server closes it. */
export function rawHttpRequest(request: RawHttpRequest): Promise<RawHttpAnswer> {
  const net = nodeNet()
  const { hostname, port } = new URL(request.origin)
  const body = typeof request.body === 'string' ? encoder.encode(request.body) : request.body
  const lines = [
    `${request.method} ${request.path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    'connection: close',
  ]
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`)
  if (body !== undefined) lines.push(`content-length: ${body.byteLength}`)
  const head = `${lines.join('\r\n')}\r\n\r\n`

  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = []
    let ended = false
    const socket = net.connect({ host: hostname, port: Number(port) })
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', () => {
      ended = true
      const answer = parseAnswer(concat(chunks))
      if (answer) resolve(answer)
      else
        reject(new Error(`${request.method} ${request.path}: the server closed without an answer`))
    })
    socket.on('error', (error) => {
      // A server that answers before the body (it refused the headers) may reset the
      // connection while the body is written; the answer is what counts then.
      const answer = parseAnswer(concat(chunks))
      if (answer) resolve(answer)
      else reject(error)
    })
    socket.on('connect', () => {
      socket.write(head)
      if (body === undefined) return
      if (request.beforeBody === undefined) {
        socket.write(body)
        return
      }
      request.beforeBody().then(
        () => {
          if (!ended) socket.write(body)
        },
        (error: unknown) => {
          socket.destroy()
          reject(error)
        },
      )
    })
  })
}

/** `answer` as the fetch `Response` a client would have received. */
export function answerAsResponse(answer: RawHttpAnswer): Response {
  const empty = answer.status === 204 || answer.status === 304 || answer.text === ''
  return new Response(empty ? null : answer.text, {
    status: answer.status,
    headers: answer.headers,
  })
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.byteLength
  }
  return all
}

/** The answer in `bytes`, or `undefined` when not even its head arrived. */
function parseAnswer(bytes: Uint8Array): RawHttpAnswer | undefined {
  const end = indexOf(bytes, CRLF_CRLF, 0)
  if (end < 0) return undefined
  const [statusLine = '', ...fields] = decoder.decode(bytes.subarray(0, end)).split('\r\n')
  const headers = new Headers()
  for (const field of fields) {
    const colon = field.indexOf(':')
    headers.append(field.slice(0, colon).trim(), field.slice(colon + 1).trim())
  }
  let body = bytes.subarray(end + CRLF_CRLF.length)
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = unchunk(body)
  return { status: Number(statusLine.split(' ')[1]), headers, text: decoder.decode(body) }
}

const CRLF = encoder.encode('\r\n')
const CRLF_CRLF = encoder.encode('\r\n\r\n')

/** The data of a chunked body (RFC 9112 §7.1), extensions and trailers dropped. */
function unchunk(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = []
  let at = 0
  for (;;) {
    const lineEnd = indexOf(bytes, CRLF, at)
    if (lineEnd < 0) break
    const size = Number.parseInt(decoder.decode(bytes.subarray(at, lineEnd)), 16)
    if (!(size > 0)) break
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
  return concat(parts)
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}
