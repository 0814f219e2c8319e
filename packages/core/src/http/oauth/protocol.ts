import { challengeValue, type KeywardError } from '../../errors.js'
import type { ManagementBody, ManagementRequest, ManagementResponse } from '../request.js'

/**
 * The RFC 6749 request and error shapes the OAuth endpoints share: the grant and token type
 * names, reading a form request (its parameters and how the client says who it is) and
 * answering RFC 6749 §5.2 errors. Nothing here verifies a credential. Private to core.
 */

/** RFC 8693 §3: the token type of a Keyward API key used as `subject_token`, and of what is issued. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** RFC 8693 §3: a JWT; an access token is one, so a client may ask for it by this name. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
/** RFC 8693 §2.1: the grant type of a token exchange. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
/** The grant types the token endpoint answers. */
export const GRANT_TYPES = ['client_credentials', TOKEN_EXCHANGE_GRANT] as const
/** The RFC 8414 names of the client authentication methods accepted. */
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const

/** The RFC 6749 §5.2 error codes, RFC 8693's `invalid_target`, and RFC 6750's for Bearer callers. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'

/**
 * An OAuth error answer under construction. Thrown inside the OAuth handlers and caught by
 * them (it never leaves core): it is how a refusal deep in a check becomes the answer.
 */
export class OAuthRefusal extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description)
  }
}

/** Headers of every OAuth answer: JSON, never cached (RFC 6749 §5.1, §5.2). */
const NO_STORE = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
}

/** A successful OAuth answer. */
export function oauthJson(body: unknown, status = 200): ManagementResponse {
  return { status, headers: { ...NO_STORE }, body }
}

/** The RFC 6749 §5.2 body of `refusal`, with its status and headers. */
export function oauthError(refusal: OAuthRefusal): ManagementResponse {
  return {
    status: refusal.status,
    headers: { ...NO_STORE, ...refusal.headers },
    body: { error: refusal.error, error_description: errorDescription(refusal.description) },
  }
}

/** RFC 6749 §5.2: `error_description` holds %x20-21 / %x23-5B / %x5D-7E only. */
function errorDescription(text: string): string {
  return challengeValue(text)
}

/**
 * A `KeywardError` from verifying a credential as the OAuth error it is: a backend that
 * cannot answer is `temporarily_unavailable` (with its `Retry-After`), anything else `code`.
 */
export function refusalOf(
  error: KeywardError,
  code: OAuthErrorCode,
  status = 400,
  headers: Record<string, string> = {},
): OAuthRefusal {
  if (error.status === 503 || error.status === 429) {
    const { 'retry-after': retryAfter } = error.headers() as Record<string, string | undefined>
    return new OAuthRefusal(
      'temporarily_unavailable',
      error.message,
      error.status,
      retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    )
  }
  return new OAuthRefusal(code, error.message, status, headers)
}

/** Whether the request's `Content-Type` is `application/x-www-form-urlencoded`. */
export function isFormRequest(request: Pick<ManagementRequest, 'header'>): boolean {
  const type = request.header?.('content-type')
  if (type === undefined) return false
  return type.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

/**
 * The body as a JSON object, when it is one; `undefined` for anything else (a form, other
 * JSON, no body). Only a body starting with `{` is parsed, so a form costs one character test.
 */
export function jsonObjectOf(body: ManagementBody): Record<string, unknown> | undefined {
  if (typeof body !== 'string' || !body.trimStart().startsWith('{')) return undefined
  try {
    const value: unknown = JSON.parse(body)
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * The parameters of a form body. RFC 6749 §3.1: a parameter sent without a value counts as
 * omitted, and none may appear twice (`invalid_request`).
 */
export function formParameters(body: ManagementBody, maxBytes: number): Map<string, string> {
  if (body !== undefined && typeof body !== 'string') {
    if (body.failure === 'too_large') {
      throw new OAuthRefusal('invalid_request', `The request body exceeds ${maxBytes} bytes.`, 413)
    }
    throw new OAuthRefusal('invalid_request', 'The request body could not be read as UTF-8 text.')
  }
  const text = body ?? ''
  if (text.length > maxBytes || new TextEncoder().encode(text).length > maxBytes) {
    throw new OAuthRefusal('invalid_request', `The request body exceeds ${maxBytes} bytes.`, 413)
  }
  const parameters = new Map<string, string>()
  const seen = new Set<string>()
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name)) {
      throw new OAuthRefusal('invalid_request', `The parameter ${name} appears more than once.`)
    }
    seen.add(name)
    if (value !== '') parameters.set(name, value)
  }
  return parameters
}

/** How the client said who it is (RFC 6749 §2.3), before anything is verified. */
export type ClientCredentials =
  /** HTTP Basic: `client_id:client_secret`, each form-urlencoded (RFC 6749 §2.3.1). */
  | { method: 'client_secret_basic'; clientId: string; secret: string }
  /** `client_id` and `client_secret` in the body. */
  | { method: 'client_secret_post'; clientId: string; secret: string }
  /** The API key as a Bearer token (Keyward's own form), `clientId` from the body if sent. */
  | { method: 'bearer'; clientId?: string }
  /** No secret at all, perhaps a `client_id` in the body. */
  | { method: 'none'; clientId?: string }

/** The challenges for a client that sent no credential: either scheme works here. */
export function anyChallenge(realm: string): Record<string, string> {
  const value = `realm="${challengeValue(realm)}"`
  return { 'www-authenticate': `Basic ${value}, Bearer ${value}` }
}

/** `Basic realm="…"`: the challenge of RFC 6749 §5.2 for a failed Basic or body credential. */
export function basicChallenge(realm: string): Record<string, string> {
  return { 'www-authenticate': `Basic realm="${challengeValue(realm)}"` }
}

/** `application/x-www-form-urlencoded` decoding of one Basic credential half (RFC 6749 §2.3.1). */
function formDecode(text: string): string {
  return decodeURIComponent(text.replaceAll('+', ' '))
}

/**
 * A form request's parameters and client credentials, as the token and introspection
 * endpoints both read them; a body that is not `application/x-www-form-urlencoded` is
 * `invalid_request`.
 */
export function readForm(
  request: ManagementRequest,
  maxBodyBytes: number,
  realm: string,
): { parameters: Map<string, string>; credentials: ClientCredentials } {
  // Parsed as a form, JSON is one parameter named after the whole body: without this, the
  // client would hear that grant_type or token is missing, which it believes it sent.
  if (jsonObjectOf(request.body) !== undefined) {
    throw new OAuthRefusal(
      'invalid_request',
      'The body looks like JSON, but OAuth parameters are form-encoded: send them as ' +
        'application/x-www-form-urlencoded name=value pairs (curl -d name=value).',
    )
  }
  if (!isFormRequest(request)) {
    throw new OAuthRefusal(
      'invalid_request',
      'Send the parameters as application/x-www-form-urlencoded.',
    )
  }
  const parameters = formParameters(request.body, maxBodyBytes)
  return { parameters, credentials: readClientCredentials(request, parameters, realm) }
}

/**
 * Reads the client's credentials from the `Authorization` header (Basic or Bearer), the
 * `client_id`/`client_secret` parameters, or an API key an earlier middleware verified.
 * Using two methods at once is `invalid_request` (RFC 6749 §2.3); an unreadable Basic
 * credential or another scheme is `invalid_client`.
 */
export function readClientCredentials(
  request: ManagementRequest,
  parameters: Map<string, string>,
  realm: string,
): ClientCredentials {
  const authorization = request.header?.('authorization')
  const bodyId = parameters.get('client_id')
  const bodySecret = parameters.get('client_secret')
  const scheme = authorization?.trim().split(' ', 1)[0]?.toLowerCase()
  const viaHeader = (authorization !== undefined && authorization !== '') || request.apiKey
  if (viaHeader && bodySecret !== undefined) {
    throw new OAuthRefusal('invalid_request', 'Use one client authentication method, not two.')
  }
  if (scheme === 'basic') {
    const encoded = authorization!.trim().slice(5).trim()
    let clientId: string
    let secret: string
    try {
      const decoded = atob(encoded)
      const colon = decoded.indexOf(':')
      if (colon === -1) throw new TypeError('no colon')
      clientId = formDecode(decoded.slice(0, colon))
      secret = formDecode(decoded.slice(colon + 1))
    } catch {
      throw new OAuthRefusal(
        'invalid_client',
        'The Basic credential is not base64 of client_id:client_secret.',
        401,
        basicChallenge(realm),
      )
    }
    if (bodyId !== undefined && bodyId !== clientId) {
      throw new OAuthRefusal(
        'invalid_client',
        'client_id differs from the Basic credential.',
        401,
        basicChallenge(realm),
      )
    }
    return { method: 'client_secret_basic', clientId, secret }
  }
  if (request.apiKey || scheme === 'bearer') {
    return bodyId === undefined ? { method: 'bearer' } : { method: 'bearer', clientId: bodyId }
  }
  if (scheme !== undefined && scheme !== '') {
    throw new OAuthRefusal(
      'invalid_client',
      'Authenticate with HTTP Basic (client_id:client_secret) or a Bearer API key.',
      401,
      anyChallenge(realm),
    )
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) {
      throw new OAuthRefusal(
        'invalid_client',
        'client_secret needs its client_id.',
        401,
        basicChallenge(realm),
      )
    }
    return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret }
  }
  return bodyId === undefined ? { method: 'none' } : { method: 'none', clientId: bodyId }
}
