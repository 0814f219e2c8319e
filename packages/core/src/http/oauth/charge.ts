import { refundRequest } from '../../limits/charge.js'
import type { VerifiedKey } from '../../types.js'
import type { ManagementResponse } from '../request.js'
import { OAuthRefusal, oauthError } from './protocol.js'

/**
 * What one OAuth request was charged: the verified credential its limits were charged on (the
 * client's API key, or a `subject_token` exchanged without client authentication). One
 * credential is charged per request; a refusal gives its charge back, so that a refused OAuth
 * request costs nothing, as every other refused request.
 */
export class RequestCharge {
  #charged: VerifiedKey | undefined

  /** Records `key`, as its verification returned it, as what this request was charged on. */
  hold(key: VerifiedKey): VerifiedKey {
    if (key.rateLimit !== undefined) this.#charged = key
    return key
  }

  /** Gives back what the request was charged, if anything (off the request path). */
  refund(): void {
    refundRequest(this.#charged)
    this.#charged = undefined
  }
}

/**
 * Answers one OAuth request: `run`'s answer, or its {@link OAuthRefusal} as the RFC 6749 §5.2
 * error. Whatever ends the request early, refusal or bug, first gives back its charge. Only
 * bugs reject.
 */
export async function answerOAuthRequest(
  run: (charge: RequestCharge) => Promise<ManagementResponse>,
): Promise<ManagementResponse> {
  const charge = new RequestCharge()
  try {
    return await run(charge)
  } catch (error) {
    charge.refund()
    if (error instanceof OAuthRefusal) return oauthError(error)
    throw error
  }
}
