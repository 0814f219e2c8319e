import type { Redis } from 'ioredis'
import { waitFor } from './processes.js'

/**
 * The commands clients sent to the servers behind `nodes` (one node, or every master of a
 * Cluster) for keys carrying `tag`, while `action` ran, lower-cased; commands a script runs
 * inside Redis are not counted. `writer` then touches a marker key of the same tag, so every
 * MONITOR has reported what came before it.
 */
export async function commandsSentFor(
  nodes: readonly Redis[],
  writer: Pick<Redis, 'exists'>,
  tag: string,
  action: () => Promise<unknown>,
): Promise<string[]> {
  const marker = `${tag}:monitor-marker`
  const sent: string[] = []
  let markerSeen = false
  const monitors = await Promise.all(nodes.map((node) => node.monitor()))
  for (const monitor of monitors) {
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (markerSeen || source === 'lua' || !args.some((arg) => arg.includes(tag))) return
      if (args.includes(marker)) markerSeen = true
      else sent.push(String(args[0]).toLowerCase())
    })
  }
  try {
    await action()
    await writer.exists(marker)
    await waitFor('MONITOR to report the marker', () => markerSeen, { timeoutMs: 5_000 })
    return sent
  } finally {
    for (const monitor of monitors) monitor.disconnect()
  }
}
