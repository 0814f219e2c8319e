/** `source` (TypeScript) with the text of its `html` and `css` tagged templates collapsed. */
export function collapseTemplates(source: string): string
