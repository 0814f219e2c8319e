import { cpus, platform, release, totalmem } from 'node:os'

/**
 * How a ratio reads: `times` for costs (time, memory, round trips: lower is better, shown
 * `1.32×`), `percent` for throughput (higher is better, shown `87.5 %`).
 */
export type RatioFormat = 'times' | 'percent'

/** One measured figure: a ratio against a baseline from the same run, with both absolutes. */
export interface Row {
  /** What was measured. */
  case: string
  /** What it is divided by. */
  baseline: string
  /** candidate ÷ baseline; `null` when the baseline is zero. */
  ratio: number | null
  format: RatioFormat
  /** The candidate's absolute figure, formatted with its unit. */
  measured: string
  /** The baseline's absolute figure, formatted with its unit. */
  baselineMeasured: string
  note?: string
  /** Raw samples and settings, kept in results.json only. */
  raw?: unknown
}

/** One benchmark case's output. */
export interface Section {
  id: string
  title: string
  /** What the case measures and how, one paragraph. */
  description: string
  rows: Row[]
  notes: string[]
  /** Why the case did not run (a package has not landed yet, Redis unreachable). */
  skipped?: string
}

/** A goal from the issue, set next to what was measured. */
export interface TargetResult {
  name: string
  /** The measured value (a ratio, a percentage or an absolute), `null` when not measured. */
  measured: number | null
  /** How `measured` is formatted. */
  unit: 'times' | 'percent' | 'ms' | 'count' | 'kB'
  /** The goal, as text (`≤ 1.5×`). */
  goal: string
  met: boolean | null
  /** What to read the verdict against, e.g. the same-run baseline of an absolute goal. */
  note?: string
}

/** Where and how the run happened. */
export interface RunInfo {
  date: string
  mode: 'full' | 'quick'
  node: string
  cpu: string
  cpuCount: number
  platform: string
  totalMemoryGiB: number
  durationSeconds: number
  settings: unknown
}

export interface Results {
  run: RunInfo
  targets: TargetResult[]
  sections: Section[]
}

/** The machine and runtime the numbers belong to. */
export function runInfo(
  mode: 'full' | 'quick',
  settings: unknown,
): Omit<RunInfo, 'durationSeconds'> {
  return {
    date: new Date().toISOString(),
    mode,
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus().length,
    platform: `${platform()} ${release()} ${process.arch}`,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    settings,
  }
}

/** Formats a ratio as the table shows it. */
export function formatRatio(ratio: number | null, format: RatioFormat): string {
  if (ratio === null || !Number.isFinite(ratio)) return 'n/a'
  if (format === 'percent') return `${(ratio * 100).toFixed(1)} %`
  if (ratio === 0) return '0×'
  return ratio < 0.1 ? `${ratio.toPrecision(2)}×` : `${ratio.toFixed(2)}×`
}

/** Nanoseconds per operation, in the unit that reads best. */
export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms/op`
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs/op`
  return `${ns.toFixed(0)} ns/op`
}

/** Bytes, in the unit that reads best. */
export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`
  if (Math.abs(bytes) >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`
  return `${bytes.toFixed(0)} B`
}

function formatTarget(target: TargetResult): string {
  if (target.measured === null) return 'not measured'
  switch (target.unit) {
    case 'times':
      return formatRatio(target.measured, 'times')
    case 'percent':
      return formatRatio(target.measured, 'percent')
    case 'ms':
      return `${target.measured.toFixed(2)} ms`
    case 'count':
      return target.measured.toFixed(3)
    case 'kB':
      return `${target.measured.toFixed(1)} kB`
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The markdown report: run info, targets, then one table per case. */
export function toMarkdown(results: Results): string {
  const { run } = results
  const lines = [
    '# Keyward benchmarks',
    '',
    `${run.date} · ${run.mode} run (${run.durationSeconds.toFixed(0)} s) · Node ${run.node} · ${run.cpu} × ${run.cpuCount} · ${run.platform} · ${run.totalMemoryGiB} GiB`,
    '',
    'Every figure is a ratio against a baseline measured in the same run, with both absolute',
    'numbers beside it. Absolute numbers depend on this machine; ratios travel better. See',
    '[README.md](../README.md) for what each case measures.',
    '',
    '## Targets',
    '',
    '| target | measured | goal | met | note |',
    '|---|---:|---:|:---:|---|',
    ...results.targets.map(
      (t) =>
        `| ${cell(t.name)} | ${formatTarget(t)} | ${cell(t.goal)} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} | ${cell(t.note ?? '')} |`,
    ),
  ]
  for (const section of results.sections) {
    lines.push('', `## ${section.title}`, '', section.description, '')
    if (section.skipped !== undefined) {
      lines.push(`Not run: ${section.skipped}`)
      continue
    }
    lines.push(
      '| case | baseline | ratio | case, absolute | baseline, absolute | note |',
      '|---|---|---:|---:|---:|---|',
      ...section.rows.map(
        (row) =>
          `| ${cell(row.case)} | ${cell(row.baseline)} | ${formatRatio(row.ratio, row.format)} | ${cell(row.measured)} | ${cell(row.baselineMeasured)} | ${cell(row.note ?? '')} |`,
      ),
    )
    if (section.notes.length > 0) lines.push('', ...section.notes.map((note) => `- ${note}`))
  }
  return `${lines.join('\n')}\n`
}
