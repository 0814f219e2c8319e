import { describe, expectTypeOf, it } from 'vitest'
import {
  type AnyKeywardError,
  ForbiddenError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  InvalidSignatureError,
  type InvalidTokenCode,
  InvalidTokenError,
  IpNotAllowedError,
  KeyInactiveError,
  KeywardError,
  type KeywardErrorCode,
  MissingTokenError,
  NotFoundError,
  type RateLimitedError,
  RequestTooLargeError,
  UnavailableError,
} from './errors.js'

describe('error codes', () => {
  it('types each class’s code as its literal, on the class and on instances', () => {
    expectTypeOf(MissingTokenError.code).toEqualTypeOf<'missing_token'>()
    expectTypeOf(new MissingTokenError().code).toEqualTypeOf<'missing_token'>()
    expectTypeOf(InvalidRequestError.code).toEqualTypeOf<'invalid_request'>()
    expectTypeOf<InvalidRequestError['code']>().toEqualTypeOf<'invalid_request'>()
    expectTypeOf(InsufficientScopeError.code).toEqualTypeOf<'insufficient_scope'>()
    expectTypeOf<InsufficientScopeError['code']>().toEqualTypeOf<'insufficient_scope'>()
    expectTypeOf(UnavailableError.code).toEqualTypeOf<'unavailable'>()
    expectTypeOf<UnavailableError['code']>().toEqualTypeOf<'unavailable'>()
    expectTypeOf(InvalidArgumentError.code).toEqualTypeOf<'invalid_argument'>()
    expectTypeOf<InvalidArgumentError['code']>().toEqualTypeOf<'invalid_argument'>()
    expectTypeOf(NotFoundError.code).toEqualTypeOf<'not_found'>()
    expectTypeOf<NotFoundError['code']>().toEqualTypeOf<'not_found'>()
    expectTypeOf(RequestTooLargeError.code).toEqualTypeOf<'request_too_large'>()
    expectTypeOf<RequestTooLargeError['code']>().toEqualTypeOf<'request_too_large'>()
    expectTypeOf(KeyInactiveError.code).toEqualTypeOf<'key_inactive'>()
    expectTypeOf<KeyInactiveError['code']>().toEqualTypeOf<'key_inactive'>()
    expectTypeOf(ForbiddenError.code).toEqualTypeOf<'forbidden'>()
    expectTypeOf<ForbiddenError['code']>().toEqualTypeOf<'forbidden'>()
    expectTypeOf(InvalidSignatureError.code).toEqualTypeOf<'invalid_signature'>()
    expectTypeOf<InvalidSignatureError['code']>().toEqualTypeOf<'invalid_signature'>()
    expectTypeOf(IpNotAllowedError.code).toEqualTypeOf<'ip_not_allowed'>()
    expectTypeOf<IpNotAllowedError['code']>().toEqualTypeOf<'ip_not_allowed'>()

    expectTypeOf<(typeof InvalidTokenError.codes)[number]>().toEqualTypeOf<InvalidTokenCode>()
    expectTypeOf<InvalidTokenError['code']>().toEqualTypeOf<InvalidTokenCode>()
    expectTypeOf<(typeof RateLimitedError.codes)[number]>().toEqualTypeOf<
      'rate_limited' | 'usage_exceeded'
    >()
    expectTypeOf<RateLimitedError['code']>().toEqualTypeOf<'rate_limited' | 'usage_exceeded'>()
  })

  it('covers every code with the classes of AnyKeywardError', () => {
    expectTypeOf<AnyKeywardError['code']>().toEqualTypeOf<KeywardErrorCode>()
    expectTypeOf<AnyKeywardError>().toExtend<KeywardError>()
  })

  it('narrows AnyKeywardError to the class in each case of switch (err.code)', () => {
    const explain = (err: AnyKeywardError): string => {
      switch (err.code) {
        case 'missing_token':
          expectTypeOf(err).toEqualTypeOf<MissingTokenError>()
          return err.message
        case 'invalid_request':
          expectTypeOf(err).toEqualTypeOf<InvalidRequestError>()
          return err.message
        case 'malformed_token':
        case 'unknown_token':
        case 'expired_token':
        case 'revoked_token':
        case 'suspended_token':
          expectTypeOf(err).toEqualTypeOf<InvalidTokenError>()
          return err.code
        case 'insufficient_scope':
          expectTypeOf(err).toEqualTypeOf<InsufficientScopeError>()
          return err.missingScopes.join(' ')
        case 'unavailable':
          expectTypeOf(err).toEqualTypeOf<UnavailableError>()
          expectTypeOf(err.retryAfter).toEqualTypeOf<number>()
          return String(err.retryAfter)
        case 'invalid_argument':
          expectTypeOf(err).toEqualTypeOf<InvalidArgumentError>()
          return err.field
        case 'not_found':
          expectTypeOf(err).toEqualTypeOf<NotFoundError>()
          return err.message
        case 'request_too_large':
          expectTypeOf(err).toEqualTypeOf<RequestTooLargeError>()
          return err.message
        case 'key_inactive':
          expectTypeOf(err).toEqualTypeOf<KeyInactiveError>()
          return err.keyStatus
        case 'forbidden':
          expectTypeOf(err).toEqualTypeOf<ForbiddenError>()
          return err.message
        case 'invalid_signature':
          expectTypeOf(err).toEqualTypeOf<InvalidSignatureError>()
          return err.message
        case 'ip_not_allowed':
          expectTypeOf(err).toEqualTypeOf<IpNotAllowedError>()
          return err.message
        case 'rate_limited':
        case 'usage_exceeded':
          expectTypeOf(err).toEqualTypeOf<RateLimitedError>()
          expectTypeOf(err.retryAfter).toEqualTypeOf<number | undefined>()
          return err.policy
        default:
          // Exhaustive: a new code without a case (or a class) stops compiling here.
          expectTypeOf(err).toBeNever()
          return err
      }
    }
    expectTypeOf(explain).returns.toEqualTypeOf<string>()
  })

  it('does not narrow the base class, whose code is any code', () => {
    const err = new KeywardError({ code: 'insufficient_scope', status: 403, message: 'x' })
    if (err.code === 'insufficient_scope') {
      // @ts-expect-error a bare KeywardError has no missingScopes
      err.missingScopes
    }
    // @ts-expect-error the base takes one options object, not positional arguments
    new KeywardError('forbidden', 403, 'x')
    // @ts-expect-error a code outside KeywardErrorCode
    new KeywardError({ code: 'teapot', status: 418, message: 'x' })
    // @ts-expect-error InvalidTokenError takes only the invalid-token codes
    new InvalidTokenError('forbidden', 'x')
  })
})
