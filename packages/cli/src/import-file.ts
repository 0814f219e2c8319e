import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { ImportReport, ImportResult } from '@keyward/core'

/** One record's outcome in a file: as core reports it, with its line (from 1) instead of its index. */
export type FileImportResult = Omit<ImportResult, 'index'> & { line: number }

/** What importing a JSONL file came to: the counts, and one result per non-blank line. */
export interface FileImportReport {
  imported: number
  duplicates: number
  invalid: number
  results: FileImportResult[]
}

/** Lines read and handed to `importBatch` at a time. */
export const FILE_BATCH_SIZE = 1_000
/** The longest line read as a record, in characters; a longer one is invalid, not parsed. */
const MAX_LINE = 65_536

/**
 * Imports the keys of a JSONL file (one JSON record of `keys.import` a line; blank lines are
 * skipped), reading it line by line, so a file of any size takes memory for one batch only,
 * and handing `importBatch` {@link FILE_BATCH_SIZE} records at a time. A line that is not a
 * JSON object is `invalid` with field `line`; its content is never repeated (it may hold a
 * token).
 */
export async function importJsonlFile(
  path: string,
  importBatch: (records: unknown[]) => Promise<ImportReport>,
): Promise<FileImportReport> {
  const report: FileImportReport = { imported: 0, duplicates: 0, invalid: 0, results: [] }
  let records: unknown[] = []
  let lines: number[] = []
  const flush = async () => {
    if (records.length === 0) return
    const outcome = await importBatch(records)
    for (const { index, ...result } of outcome.results) {
      report.results.push({ line: lines[index]!, ...result })
    }
    records = []
    lines = []
  }
  const input = createReadStream(path, { encoding: 'utf8' })
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  try {
    for await (const text of reader) {
      line++
      if (text.trim() === '') continue
      const record = parseLine(text)
      if (record === undefined) {
        report.results.push({
          line,
          status: 'invalid',
          field: 'line',
          message: 'The line is not a JSON object (one record a line).',
        })
        continue
      }
      records.push(record)
      lines.push(line)
      if (records.length === FILE_BATCH_SIZE) await flush()
    }
    await flush()
  } finally {
    reader.close()
    input.destroy()
  }
  report.results.sort((a, b) => a.line - b.line)
  for (const { status } of report.results) {
    if (status === 'imported') report.imported++
    else if (status === 'duplicate') report.duplicates++
    else report.invalid++
  }
  return report
}

/** The record on a line, or `undefined` when the line is too long or not a JSON object. */
function parseLine(text: string): object | undefined {
  if (text.length > MAX_LINE) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}
