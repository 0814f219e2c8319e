import { expectTypeOf, it } from 'vitest'
import type { KeyEvent } from '../types.js'
import type { WebhookEventType } from './options.js'

it('every lifecycle event can be subscribed to as a webhook, and nothing else', () => {
  type FromEvents = `key.${Exclude<KeyEvent['type'], 'webhook_disabled'>}` | 'webhook.disabled'
  expectTypeOf<WebhookEventType>().toEqualTypeOf<FromEvents>()
})
