import { describe, expect, it } from 'vitest'
import {
  challengeValue,
  DEFAULT_REALM,
  errorResponse,
  ForbiddenError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  InvalidSignatureError,
  InvalidTokenError,
  IpNotAllowedError,
  KeyInactiveError,
  KeywardError,
  MissingTokenError,
  NotFoundError,
  RateLimitedError,
  RequestTooLargeError,
  UnavailableError,
} from './errors.js'

/** RFC 6750 §3: quoted attribute values hold only %x20-21 / %x23-5B / %x5D-7E. */
const RFC6750_HEADER =
  /^Bearer realm="[\x20\x21\x23-\x5b\x5d-\x7e]*"(, [a-z_]+="[\x20\x21\x23-\x5b\x5d-\x7e]*")*$/

describe('errors', () => {
  it('each family carries its code, status and challenge', () => {
    const cases: [KeywardError, string, number, RegExp | undefined][] = [
      [new MissingTokenError(), 'missing_token', 401, /^Bearer realm="api"$/],
      [
        new InvalidRequestError('Two credentials.'),
        'invalid_request',
        400,
        /error="invalid_request"/,
      ],
      [
        new InvalidTokenError('expired_token', 'The API key has expired.'),
        'expired_token',
        401,
        /error="invalid_token", error_description="The API key has expired."$/,
      ],
      [
        new InsufficientScopeError(['a:b', 'c:d'], ['c:d']),
        'insufficient_scope',
        403,
        /error="insufficient_scope", .*scope="a:b c:d"$/,
      ],
      [new UnavailableError('Store down.'), 'unavailable', 503, undefined],
      [
        new InvalidArgumentError('name', 'name must not be blank.'),
        'invalid_argument',
        422,
        undefined,
      ],
      [new NotFoundError(), 'not_found', 404, undefined],
      [new RequestTooLargeError(16), 'request_too_large', 413, undefined],
      [new KeyInactiveError('revoked'), 'key_inactive', 409, undefined],
      [new ForbiddenError('Not your own scopes.'), 'forbidden', 403, undefined],
      [new InvalidSignatureError('No signature.'), 'invalid_signature', 401, undefined],
      [
        new RateLimitedError('usage_exceeded', { retryAfter: undefined, policy: 'p', state: 's' }),
        'usage_exceeded',
        429,
        undefined,
      ],
    ]
    for (const [error, code, status, challenge] of cases) {
      expect(error).toBeInstanceOf(KeywardError)
      expect(error).toMatchObject({ code, status, name: error.constructor.name })
      if (challenge) {
        expect(error.wwwAuthenticate).toMatch(challenge)
        expect(error.wwwAuthenticate).toMatch(RFC6750_HEADER)
      } else expect(error.wwwAuthenticate).toBeUndefined()
    }
  })

  it('names each code on its class too, and every code belongs to exactly one class', () => {
    const singles = [
      [MissingTokenError, new MissingTokenError()],
      [InvalidRequestError, new InvalidRequestError('x')],
      [InsufficientScopeError, new InsufficientScopeError(['a:b'], ['a:b'])],
      [UnavailableError, new UnavailableError('x')],
      [InvalidArgumentError, new InvalidArgumentError('f', 'x')],
      [NotFoundError, new NotFoundError()],
      [RequestTooLargeError, new RequestTooLargeError(1)],
      [KeyInactiveError, new KeyInactiveError('expired')],
      [ForbiddenError, new ForbiddenError('x')],
      [InvalidSignatureError, new InvalidSignatureError('x')],
      [IpNotAllowedError, new IpNotAllowedError()],
    ] as const
    for (const [ErrorClass, error] of singles) expect(error.code).toBe(ErrorClass.code)
    expect(MissingTokenError.code).toBe('missing_token')
    expect(NotFoundError.code).toBe('not_found')

    expect(InvalidTokenError.codes).toEqual([
      'malformed_token',
      'unknown_token',
      'expired_token',
      'revoked_token',
      'suspended_token',
    ])
    for (const code of InvalidTokenError.codes)
      expect(new InvalidTokenError(code, 'x').code).toBe(code)
    expect(RateLimitedError.codes).toEqual(['rate_limited', 'usage_exceeded'])
    const limits = { retryAfter: 1, policy: 'p', state: 's' }
    for (const code of RateLimitedError.codes)
      expect(new RateLimitedError(code, limits).code).toBe(code)

    const codes: string[] = [
      ...singles.map(([ErrorClass]) => ErrorClass.code),
      ...InvalidTokenError.codes,
      ...RateLimitedError.codes,
    ]
    expect(new Set(codes).size).toBe(codes.length)
    // KeywardErrorCode has 18 members; errors.test-d.ts checks these classes cover exactly them.
    expect(codes).toHaveLength(18)
  })

  it('builds a base error from one options object', () => {
    const cause = new Error('upstream')
    const error = new KeywardError({
      code: 'forbidden',
      status: 403,
      message: 'The management API refused.',
      cause,
    })
    expect(error).toMatchObject({
      name: 'KeywardError',
      code: 'forbidden',
      status: 403,
      message: 'The management API refused.',
      wwwAuthenticate: undefined,
      cause,
    })
    expect(error.headers()).toEqual({})
    expect(
      new KeywardError({
        code: 'missing_token',
        status: 401,
        message: 'x',
        wwwAuthenticate: 'Bearer',
      }).headers(),
    ).toEqual({ 'www-authenticate': 'Bearer' })
    expect('cause' in new KeywardError({ code: 'forbidden', status: 403, message: 'x' })).toBe(
      false,
    )
  })

  it('applies the documented defaults', () => {
    expect(new MissingTokenError().wwwAuthenticate).toBe(`Bearer realm="${DEFAULT_REALM}"`)
    expect(DEFAULT_REALM).toBe('api')
    expect(new MissingTokenError().message).toBe('No API key was presented.')
    expect(new NotFoundError().message).toBe('No such API key.')
    expect(new NotFoundError('No such owner.').message).toBe('No such owner.')
    expect(new RequestTooLargeError(1024).message).toBe('The request body exceeds 1024 bytes.')
    expect(new InsufficientScopeError(['a:b', 'c:d'], ['a:b', 'c:d']).message).toBe(
      'The API key lacks the scopes a:b, c:d.',
    )

    const unavailable = new UnavailableError('Store down.')
    expect(unavailable.retryAfter).toBe(5)
    expect(unavailable.headers()).toEqual({ 'retry-after': '5' })
    expect(new UnavailableError('Store down.', { retryAfter: 30 }).headers()).toEqual({
      'retry-after': '30',
    })

    const credits = new RateLimitedError('usage_exceeded', {
      retryAfter: undefined,
      policy: '"credits";q=100',
      state: '"credits";r=0',
    })
    expect(credits.retryAfter).toBeUndefined()
    expect(credits.headers()).toEqual({
      'ratelimit-policy': '"credits";q=100',
      ratelimit: '"credits";r=0',
    })
    expect(
      new RateLimitedError('rate_limited', { retryAfter: 12, policy: 'p', state: 's' }).headers(),
    ).toMatchObject({ 'retry-after': '12' })

    expect(KeywardError.captureStack).toBe(true)
    expect('cause' in new ForbiddenError('x')).toBe(false)
  })

  it('keeps header values inside RFC 6750’s character set, whatever the message or realm', () => {
    expect(challengeValue('a "quoted" \\ value\r\nSet-Cookie: x=1 é')).toBe(
      'a quoted  valueSet-Cookie: x=1 ',
    )
    const error = new InvalidRequestError('bad "header"\n\\', { realm: 'my "realm"' })
    expect(error.wwwAuthenticate).toMatch(RFC6750_HEADER)
    expect(error.wwwAuthenticate).toBe(
      'Bearer realm="my realm", error="invalid_request", error_description="bad header"',
    )
  })

  it('renders problem+json bodies with the headers to send', () => {
    expect(
      errorResponse(
        new InvalidTokenError('revoked_token', 'The API key has been revoked.', { realm: 'acme' }),
      ),
    ).toEqual({
      status: 401,
      headers: {
        'content-type': 'application/problem+json',
        'www-authenticate':
          'Bearer realm="acme", error="invalid_token", error_description="The API key has been revoked."',
      },
      body: {
        type: 'urn:keyward:error:revoked_token',
        title: 'Invalid token',
        status: 401,
        detail: 'The API key has been revoked.',
        code: 'revoked_token',
      },
    })
    expect(errorResponse(new UnavailableError('Store down.', { retryAfter: 7 }))).toMatchObject({
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '7' },
    })
    expect(
      errorResponse(new InvalidArgumentError('scopes[1]', 'Unknown scope.')).body,
    ).toMatchObject({
      code: 'invalid_argument',
      field: 'scopes[1]',
    })
    expect(errorResponse(new InsufficientScopeError(['a:b'], ['a:b'])).body).toMatchObject({
      missingScopes: ['a:b'],
    })
  })

  it('skips stack frames for the failures clients cause, keeps them for the rest', () => {
    const limit = Error.stackTraceLimit
    for (const error of [
      new MissingTokenError(),
      new InvalidRequestError('x'),
      new InvalidTokenError('unknown_token', 'x'),
      new InsufficientScopeError(['a:b'], ['a:b']),
    ]) {
      expect(error.stack).toBe(`${error.name}: ${error.message}`)
    }
    expect(new UnavailableError('x').stack).toMatch(/\n\s+at /)
    expect(new InvalidArgumentError('f', 'x').stack).toMatch(/\n\s+at /)
    expect(Error.stackTraceLimit).toBe(limit)
    expect(new Error('plain').stack).toMatch(/\n\s+at /)
  })

  it('keeps the cause for logs without rendering it', () => {
    const cause = new Error('ECONNREFUSED 127.0.0.1:6379')
    const error = new UnavailableError('The key store is unavailable.', { cause })
    expect(error.cause).toBe(cause)
    expect(JSON.stringify(errorResponse(error))).not.toContain('ECONNREFUSED')
  })
})
