/** The help text that ends a command's `--help`: one example, as typed in a shell. */
export function helpExample(commandLine: string): string {
  return `\nExample:\n  ${commandLine}`
}
