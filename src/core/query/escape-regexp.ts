/** The text as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

export type LiteralMode = 'contains' | 'startsWith' | 'endsWith'

/** Above this length a literal is matched by comparing lower-cased text (V8 refuses very large regexps). */
const REGEXP_MAX_LITERAL = 2048

/**
 * A case-insensitive test for a literal text. Short literals compile to a regexp (no allocation per
 * tested value); long ones compare lower-cased strings, so no user input can make a regexp too large.
 */
export function literalMatcher(text: string, mode: LiteralMode): { test(input: string): boolean } {
  if (text.length <= REGEXP_MAX_LITERAL) {
    const escaped = escapeRegExp(text)
    const source = mode === 'startsWith' ? `^${escaped}` : mode === 'endsWith' ? `${escaped}$` : escaped
    return new RegExp(source, 'i')
  }
  const needle = text.toLowerCase()
  if (mode === 'startsWith') return { test: (input) => input.toLowerCase().startsWith(needle) }
  if (mode === 'endsWith') return { test: (input) => input.toLowerCase().endsWith(needle) }
  return { test: (input) => input.toLowerCase().includes(needle) }
}
