/**
 * Child process: background load from autocannon until told to stop, so the runner's own
 * event loop stays free for the timings it takes. Sends `{ type: 'started' }`, and on `stop`
 * `{ type: 'result', requests, failures, seconds }`.
 * argv: <url> <authorization header> <connections> <pipelining> [requests per second overall]
 */
import autocannon from 'autocannon'
import { childLifecycle, onParentMessage, toParent } from '../child.js'

childLifecycle()

const [url = '', authorization = '', connections = '32', pipelining = '1', rate] =
  process.argv.slice(2)
const started = performance.now()
const instance = autocannon(
  {
    url,
    connections: Number(connections),
    pipelining: Number(pipelining),
    duration: 600,
    headers: { authorization },
    ...(rate === undefined ? {} : { overallRate: Number(rate) }),
  },
  (error, result) => {
    if (error) throw error
    toParent({
      type: 'result',
      requests: result['2xx'],
      failures: result.non2xx + result.errors + result.timeouts,
      seconds: (performance.now() - started) / 1000,
    })
  },
)
instance.once('start', () => toParent({ type: 'started' }))
onParentMessage((message) => {
  if (message.type === 'stop') instance.stop()
})
