import { compileMatcher } from './like-matcher.ts'
import { type LikeNode, parseLike } from './like-syntax.ts'

/** Longer `_like` patterns are refused: a filter value is a search term, not a program. */
export const MAX_LIKE_PATTERN_LENGTH = 256

export type LikeResult =
  | {
      ok: true
      test: (input: string) => boolean
      /** set when the pattern runs on the native engine: it may then be combined with others (combinedRegExps) */
      native?: string
    }
  | { ok: false; reason: string }

/**
 * Compiles a `_like` value: a case-insensitive JavaScript regular expression that can never hang the server.
 * Patterns without repetition or alternation cannot backtrack, so they run on the native engine; the others
 * run on a linear-time matcher. Backreferences and lookaround (which need backtracking) are refused.
 */
export function compileLike(pattern: string): LikeResult {
  if (pattern.length > MAX_LIKE_PATTERN_LENGTH) {
    return { ok: false, reason: `the pattern is longer than ${MAX_LIKE_PATTERN_LENGTH} characters` }
  }
  let native: RegExp
  try {
    native = new RegExp(pattern, 'i')
  } catch (error) {
    return { ok: false, reason: `invalid regular expression (${syntaxReason(error)})` }
  }
  const parsed = parseLike(pattern)
  if (!parsed.ok) return parsed
  if (!canBacktrack(parsed.node)) return { ok: true, test: (input) => native.test(input), native: pattern }
  return compileMatcher(parsed.node)
}

function canBacktrack(node: LikeNode): boolean {
  switch (node.kind) {
    case 'repeat':
    case 'alt':
      return true
    case 'seq':
      return node.items.some(canBacktrack)
    default:
      return false
  }
}

/** "Invalid regular expression: /(/i: Unterminated group" -> "Unterminated group" */
function syntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const colon = message.lastIndexOf(': ')
  return colon === -1 ? message : message.slice(colon + 2)
}

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

/** Largest source of one combined regexp: groups stay well below what V8 compiles comfortably. */
const COMBINED_MAX_SOURCE = 16 * 1024

/**
 * Case-insensitive regexps matching when any of `sources` matches, as few as possible: sources are joined
 * into alternations (one native pass over a value instead of one call per source) in groups of bounded
 * size; a group that does not compile as one (duplicate group names) falls back to one regexp per source.
 */
export function combinedRegExps(sources: readonly string[]): RegExp[] {
  const regexps: RegExp[] = []
  let group: string[] = []
  let size = 0
  const flush = (): void => {
    if (group.length === 0) return
    try {
      regexps.push(new RegExp(group.length === 1 ? group[0]! : group.map((s) => `(?:${s})`).join('|'), 'i'))
    } catch {
      for (const source of group) regexps.push(new RegExp(source, 'i'))
    }
    group = []
    size = 0
  }
  for (const source of sources) {
    if (size + source.length > COMBINED_MAX_SOURCE) flush()
    group.push(source)
    size += source.length + 5
  }
  flush()
  return regexps
}

/** A case-insensitive test for any of several literals (see literalMatcher), in as few passes as possible. */
export function literalsMatcher(
  texts: readonly string[],
  mode: LiteralMode,
): Array<{ test(input: string): boolean }> {
  if (texts.length === 1) return [literalMatcher(texts[0]!, mode)]
  const long = texts.filter((text) => text.length > REGEXP_MAX_LITERAL)
  const sources = texts
    .filter((text) => text.length <= REGEXP_MAX_LITERAL)
    .map((text) => {
      const escaped = escapeRegExp(text)
      return mode === 'startsWith' ? `^${escaped}` : mode === 'endsWith' ? `${escaped}$` : escaped
    })
  return [...combinedRegExps(sources), ...long.map((text) => literalMatcher(text, mode))]
}
