import { nextMessage, startChild, stopChild } from '../child.js'
import { formatBytes, type Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

interface ProbeResult {
  type: 'result'
  bytes: number
  count: number
  seconds: number
}

/** Runs one memory probe in a fresh process with an exposed, roomy heap. */
async function probe(what: string, count: number): Promise<ProbeResult> {
  const child = startChild('src/probes/memory.ts', [what, String(count)], {
    nodeFlags: ['--expose-gc', '--max-old-space-size=8192'],
  })
  try {
    return await nextMessage<ProbeResult>(child, 'result', 300_000)
  } finally {
    await stopChild(child)
  }
}

function memoryRow(
  caseName: string,
  baselineName: string,
  candidate: ProbeResult,
  baseline: ProbeResult,
  note: string,
): Row {
  const perKey = (r: ProbeResult) => formatBytes(r.bytes / r.count)
  return {
    case: caseName,
    baseline: baselineName,
    ratio: candidate.bytes / baseline.bytes,
    format: 'times',
    measured: `${formatBytes(candidate.bytes)} (${perKey(candidate)}/entry)`,
    baselineMeasured: `${formatBytes(baseline.bytes)} (${perKey(baseline)}/entry)`,
    note,
    raw: { candidate, baseline },
  }
}

/** Case 6: heap of a million stored keys and of the verifier's caches at their bound. */
export async function memoryCase(settings: BenchSettings): Promise<CaseResult> {
  const keys = settings.memory.keys
  const bound = 10_000
  // Each probe measures its own process's heap, so they may run side by side.
  const [store, map, positive, records, negative, hashes] = await Promise.all([
    probe('store', keys),
    probe('map', keys),
    probe('positive-cache', bound),
    probe('map', bound),
    probe('negative-cache', bound),
    probe('hash-set', bound),
  ])
  const count = keys.toLocaleString('en-US')
  return {
    section: {
      id: 'memory',
      title: '6. Memory',
      description:
        'Heap added (after two forced GCs, each structure in a fresh `--expose-gc` process) by ' +
        `${count} key records in \`MemoryTokenStore\` (inserted directly, 10 keys per owner), and by the ` +
        "verifier's caches filled to their default bound of 10 000, each against the plainest " +
        'structure holding the same data.',
      rows: [
        memoryRow(
          `MemoryTokenStore, ${count} keys`,
          `Map<hash, record>, ${count} records`,
          store,
          map,
          'store adds id → record, hash → id and owner → ids indexes',
        ),
        memoryRow(
          'positive cache at bound (10 000 keys verified)',
          'Map<hash, record>, 10 000 records',
          positive,
          records,
          'LRU entries, id → hash index and the touch LRU',
        ),
        memoryRow(
          'negative cache at bound (10 000 unknown tokens)',
          'Set of 10 000 hashes',
          negative,
          hashes,
          'LRU with per-entry TTL',
        ),
      ],
      notes: [],
    },
    targets: [],
  }
}
