/** `source` (TypeScript) with each css`` template's text minified by esbuild. */
export function minifyStyles(source: string): string
