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
