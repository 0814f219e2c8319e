const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** `date` as the local calendar day, `YYYY-MM-DD`, the value format of `<input type="date">`. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/**
 * The days a date picker may offer for an expiry chosen at `now` (epoch ms): from tomorrow to
 * the local day on which `maxLifetime` (seconds) ends.
 */
export function expiryRange(now: number, maxLifetime: number): { min: string; max: string } {
  const tomorrow = new Date(now)
  tomorrow.setDate(tomorrow.getDate() + 1)
  return { min: localDay(tomorrow), max: localDay(new Date(now + maxLifetime * 1000)) }
}

/**
 * The instant a key chosen to expire on local day `day` (`YYYY-MM-DD`) expires: the end of that
 * day, or a minute before the longest lifetime ends when that comes first (the last day
 * offered), so the server, whose clock reads later, never sees it past its limit. `undefined`
 * when `day` is not a day or falls outside {@link expiryRange}.
 */
export function expiryOf(day: string, now: number, maxLifetime: number): Date | undefined {
  const range = expiryRange(now, maxLifetime)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day < range.min || day > range.max) return undefined
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  const end = new Date(year, month - 1, date, 23, 59, 59).getTime()
  return new Date(Math.min(end, now + maxLifetime * 1000 - MINUTE))
}

const made = new Map<string, unknown>()

/**
 * The `Intl` formatter `make` for `locale` and `options`, built once: building one takes
 * 0.1–0.5 ms, and a list of a few pages draws thousands of dates and numbers.
 */
export function intl<O, T>(
  make: new (locale: string | undefined, options: O) => T,
  locale: string | undefined,
  options: O,
): T {
  const id = make.name + locale + JSON.stringify(options)
  let format = made.get(id) as T | undefined
  if (format === undefined) {
    format = new make(locale, options)
    made.set(id, format)
  }
  return format
}

/** `to` relative to `from` (epoch ms) in words: "in 6 days", "3 hours ago", "now". */
export function relativeTime(from: number, to: number, locale: string | undefined): string {
  const format = intl(Intl.RelativeTimeFormat, locale, { numeric: 'auto' })
  const delta = to - from
  const size = Math.abs(delta)
  if (size < MINUTE) return format.format(0, 'second')
  if (size < HOUR) return format.format(Math.round(delta / MINUTE), 'minute')
  if (size < DAY) return format.format(Math.round(delta / HOUR), 'hour')
  if (size < 60 * DAY) return format.format(Math.round(delta / DAY), 'day')
  if (size < 365 * DAY) return format.format(Math.round(delta / (30 * DAY)), 'month')
  return format.format(Math.round(delta / (365 * DAY)), 'year')
}

/** An instant as a calendar date in the viewer's language: "3 Aug 2026". */
export function formatDate(at: string | number | Date, locale: string | undefined): string {
  return intl(Intl.DateTimeFormat, locale, { dateStyle: 'medium' }).format(new Date(at))
}

/** An instant with its time of day, for tooltips. */
export function formatDateTime(at: string | number | Date, locale: string | undefined): string {
  return intl(Intl.DateTimeFormat, locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(at),
  )
}

/** A length of time in seconds in words, in its largest whole unit: "24 hours", "7 days". */
export function formatDuration(seconds: number, locale: string | undefined): string {
  const [unit, count] = largestUnit(seconds)
  return unitFormat(unit, locale).format(count)
}

/**
 * A window or interval as it follows "per" or "every": "minute" for one whole unit, else
 * as {@link formatDuration} ("30 days").
 */
export function formatWindow(seconds: number, locale: string | undefined): string {
  const [unit, count] = largestUnit(seconds)
  if (count !== 1) return unitFormat(unit, locale).format(count)
  return unitFormat(unit, locale)
    .formatToParts(1)
    .filter((part) => part.type === 'unit')
    .map((part) => part.value)
    .join('')
}

type Unit = 'day' | 'hour' | 'minute' | 'second'

function largestUnit(seconds: number): [Unit, number] {
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return [unit, seconds / size]
  }
  return ['second', seconds]
}

function unitFormat(unit: Unit, locale: string | undefined): Intl.NumberFormat {
  return intl(Intl.NumberFormat, locale, { style: 'unit', unit, unitDisplay: 'long' })
}
