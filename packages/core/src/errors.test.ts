import { describe, expect, it } from 'vitest'
import {
  challengeValue,
  errorResponse,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  InvalidTokenError,
  KeywardError,
  MissingTokenError,
  NotFoundError,
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
