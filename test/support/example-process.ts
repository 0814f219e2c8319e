import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { track } from './processes.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Spawns an example (`examples/express-api`, `examples/hono-api`) as its own program: its
 * `src/main.ts` through tsx's loader, as `pnpm start` runs it, on a free loopback port with
 * keys in memory and a fresh admin token; `env` adds to or overrides that environment. The
 * process is tracked, so it is stopped by its PID if a test leaves it running.
 *
 * Node runs it directly (`node --import tsx`), not through the `tsx` command: that wrapper
 * relays a signal and kills the program (exit 143) when the relay is not confirmed within
 * 30 ms, which a loaded machine misses, and exit-code tests would then judge the wrapper.
 */
export function spawnExample(dir: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: `${root}${dir}`,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: '',
      DATABASE_URL: '',
      ADMIN_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  track(child)
  return child
}
