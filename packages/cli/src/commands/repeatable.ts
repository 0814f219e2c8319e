/**
 * Commander's value parser for an option that may be repeated and may hold a comma-separated
 * list (`--scope a,b --scope c`): every non-empty part, in order.
 */
export const repeatable = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
]
