/** Where the CLI reads and writes; the real process streams by default. */
export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  stdin: NodeJS.ReadableStream
  env: Record<string, string | undefined>
}
