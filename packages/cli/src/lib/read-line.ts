import { createInterface } from 'node:readline'

/** The next line of `input`, or `undefined` when it ends first. */
export function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false })
    let answered = false
    lines.once('line', (line) => {
      answered = true
      lines.close()
      resolve(line)
    })
    lines.once('close', () => {
      if (!answered) resolve(undefined)
    })
  })
}
