import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { spawnExample } from './example-process.js'
import { stopProcess } from './processes.js'

/** An example program that has printed its start-up lines. */
export interface StartedExample {
  /** `http://127.0.0.1:<port>`, from its `listening on` line. */
  url: string
  /** The admin token it printed (`admin token: kw_test_…`). */
  adminToken: string
  /** Every line it printed so far, stdout and stderr, in arrival order; it keeps growing. */
  output: string[]
  child: ChildProcess
  /** Stops it by its PID (`stopProcess`). */
  stop(): Promise<void>
}

/** How long an example may take to print its start-up lines on a loaded machine. */
const START_MS = 30_000

/**
 * Starts `dir` (`examples/express-api`, `examples/hono-api`) with `spawnExample` and resolves
 * once it printed its last start-up line, `settings page: …` (the lines before it, with the URL
 * and the admin token, may arrive in other chunks). Rejects with its output, and stops it, if
 * it exits first or takes longer than 30 s.
 */
export async function startExample(
  dir: string,
  env: Record<string, string> = {},
): Promise<StartedExample> {
  const child = spawnExample(dir, env)
  const output: string[] = []
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line))
  let timer: NodeJS.Timeout | undefined
  const lastLine = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line)
      if (line.startsWith('settings page: ')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`it exited with ${code}`)))
    timer = setTimeout(
      () => reject(new Error(`it printed no start-up lines in ${START_MS} ms`)),
      START_MS,
    )
  })
  try {
    await lastLine
  } catch (error) {
    await stopProcess(child)
    throw new Error(`${dir}: ${(error as Error).message}. Output:\n${output.join('\n')}`)
  } finally {
    clearTimeout(timer)
  }
  const printed = output.join('\n')
  const url = /listening on (http:\/\/\S+)/.exec(printed)?.[1]
  const adminToken = /^admin token: (\S+)$/m.exec(printed)?.[1]
  if (url === undefined || adminToken === undefined) {
    await stopProcess(child)
    throw new Error(`${dir} printed no URL or admin token:\n${printed}`)
  }
  return { url, adminToken, output, child, stop: () => stopProcess(child) }
}
