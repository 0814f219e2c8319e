import { ProblemError } from './management-client.js'

/** A part of a dialog's form that carries its own error; `form` is the form as a whole. */
export type FormField =
  | 'form'
  | 'name'
  | 'expiration'
  | 'scopes'
  | 'grace'
  | 'confirm'
  | 'rateLimit'
  | 'credits'
  | 'refill'
  | 'allowedIps'
  | 'reason'

/** The errors a form shows, each beside the field it concerns. */
export type FieldErrors = Partial<Record<FormField, string>>

/** The form inputs by `name`, and the field whose error they carry. */
const FIELD_OF_INPUT: Partial<Record<string, FormField>> = {
  name: 'name',
  expiration: 'expiration',
  date: 'expiration',
  scopes: 'scopes',
  grace: 'grace',
  confirm: 'confirm',
  rateLimit: 'rateLimit',
  rateWindow: 'rateLimit',
  credits: 'credits',
  refill: 'refill',
  refillEvery: 'refill',
  allowedIps: 'allowedIps',
  reason: 'reason',
}

/** The field whose error the input named `name` carries, `undefined` for none. */
export function fieldOfInput(name: string): FormField | undefined {
  return FIELD_OF_INPUT[name]
}

/** What a failure says, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A failed request as errors beside the fields they concern, or for the whole form. */
export function errorsOf(error: unknown): FieldErrors {
  if (error instanceof ProblemError && error.status === 422 && error.field !== undefined) {
    const field = error.field
    if (field === 'name') return { name: error.message }
    if (field === 'expiresAt' || field === 'expiresIn') return { expiration: error.message }
    if (field === 'scopes') return { scopes: error.message }
    if (field === 'gracePeriod') return { grace: error.message }
    if (field.startsWith('rateLimits')) return { rateLimit: error.message }
    if (field.startsWith('credits.refill')) return { refill: error.message }
    if (field.startsWith('credits')) return { credits: error.message }
    if (field.startsWith('allowedIps')) return { allowedIps: error.message }
    if (field === 'reason') return { reason: error.message }
  }
  return { form: messageOf(error) }
}
