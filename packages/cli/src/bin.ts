#!/usr/bin/env node
import { run } from './program.js'

// A reader that stops early (`keyward keys list | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(process.exitCode ?? 0)
})
process.exitCode = await run(process.argv.slice(2))
