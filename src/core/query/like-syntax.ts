/**
 * Parser for the `_like` pattern language: JavaScript regular expressions (non-unicode mode) minus the
 * features that need backtracking (backreferences, lookaround). The result feeds a linear-time matcher.
 */

/** One UTF-16 code unit matched against inclusive [lo, hi] ranges (flat pairs), optionally negated. */
export interface CharSet {
  ranges: number[]
  negated: boolean
}

export type LikeNode =
  | { kind: 'char'; set: CharSet }
  | { kind: 'seq'; items: LikeNode[] }
  | { kind: 'alt'; options: LikeNode[] }
  | { kind: 'repeat'; node: LikeNode; min: number; max: number }
  | { kind: 'assert'; what: 'start' | 'end' | 'wordBoundary' | 'notWordBoundary' }

export type ParseResult = { ok: true; node: LikeNode } | { ok: false; reason: string }

/** Larger counts in `{n,m}` are refused: they would only make the compiled program huge. */
const MAX_REPEAT = 100

const DIGIT = [0x30, 0x39]
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]
const SPACE = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f,
  0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]
const LINE_TERMINATORS = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]

class Unsupported {
  readonly reason: string
  constructor(reason: string) {
    this.reason = reason
  }
}

/** Parses a pattern that `new RegExp(pattern)` already accepted (so plain syntax errors cannot occur). */
export function parseLike(pattern: string): ParseResult {
  const parser = new Parser(pattern)
  try {
    const node = parser.disjunction()
    if (parser.pos < pattern.length) return { ok: false, reason: `unexpected "${pattern[parser.pos]}"` }
    return { ok: true, node }
  } catch (error) {
    // anything else would be a parser gap: refuse the pattern (a 400) rather than fail the request (a 500)
    return {
      ok: false,
      reason: error instanceof Unsupported ? error.reason : 'this pattern is not supported',
    }
  }
}

class Parser {
  readonly src: string
  pos = 0

  constructor(src: string) {
    this.src = src
  }

  disjunction(): LikeNode {
    const options = [this.alternative()]
    while (this.src[this.pos] === '|') {
      this.pos++
      options.push(this.alternative())
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options }
  }

  alternative(): LikeNode {
    const items: LikeNode[] = []
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const atom = this.term()
      items.push(this.quantified(atom))
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items }
  }

  term(): LikeNode {
    const ch = this.src[this.pos]!
    this.pos++
    switch (ch) {
      case '^':
        return { kind: 'assert', what: 'start' }
      case '$':
        return { kind: 'assert', what: 'end' }
      case '.':
        return { kind: 'char', set: { ranges: LINE_TERMINATORS, negated: true } }
      case '[':
        return { kind: 'char', set: this.characterClass() }
      case '(':
        return this.group()
      case '\\':
        return this.atomEscape()
      default:
        return literal(ch.charCodeAt(0))
    }
  }

  group(): LikeNode {
    if (this.src.startsWith('?:', this.pos)) {
      this.pos += 2
    } else if (this.src.startsWith('?=', this.pos) || this.src.startsWith('?!', this.pos)) {
      throw new Unsupported('lookahead is not supported')
    } else if (this.src.startsWith('?<=', this.pos) || this.src.startsWith('?<!', this.pos)) {
      throw new Unsupported('lookbehind is not supported')
    } else if (this.src.startsWith('?<', this.pos)) {
      this.pos = this.src.indexOf('>', this.pos) + 1
    }
    const inner = this.disjunction()
    this.pos++ // the closing parenthesis
    return inner
  }

  atomEscape(): LikeNode {
    const ch = this.src[this.pos]!
    if (ch === 'b' || ch === 'B') {
      this.pos++
      return { kind: 'assert', what: ch === 'b' ? 'wordBoundary' : 'notWordBoundary' }
    }
    if (/[1-9]/.test(ch) || ch === 'k') throw new Unsupported('backreferences are not supported')
    return { kind: 'char', set: this.classEscape(false) }
  }

  /** An escape after the backslash, as a set; inside a class `\b` is a backspace. */
  classEscape(inClass: boolean): CharSet {
    const ch = this.src[this.pos]!
    this.pos++
    switch (ch) {
      case 'd':
        return { ranges: DIGIT, negated: false }
      case 'D':
        return { ranges: DIGIT, negated: true }
      case 'w':
        return { ranges: WORD, negated: false }
      case 'W':
        return { ranges: WORD, negated: true }
      case 's':
        return { ranges: SPACE, negated: false }
      case 'S':
        return { ranges: SPACE, negated: true }
      default: {
        const code = this.escapedCodeUnit(ch, inClass)
        return { ranges: [code, code], negated: false }
      }
    }
  }

  escapedCodeUnit(ch: string, inClass: boolean): number {
    switch (ch) {
      case 't':
        return 0x09
      case 'n':
        return 0x0a
      case 'v':
        return 0x0b
      case 'f':
        return 0x0c
      case 'r':
        return 0x0d
      case 'b':
        if (inClass) return 0x08
        break
      case '0':
        if (!/[0-9]/.test(this.src[this.pos] ?? '')) return 0
        throw new Unsupported('octal escapes are not supported')
      case 'c': {
        const letter = this.src[this.pos] ?? ''
        if (/[a-zA-Z]/.test(letter)) {
          this.pos++
          return letter.charCodeAt(0) % 32
        }
        this.pos-- // Annex B: a lone `\c` is a backslash followed by "c"
        return 0x5c
      }
      case 'x':
        return this.hex(2) ?? 0x78
      case 'u':
        if (this.src[this.pos] === '{') throw new Unsupported('\\u{...} escapes are not supported')
        return this.hex(4) ?? 0x75
    }
    if (/[1-9]/.test(ch)) throw new Unsupported('octal escapes are not supported')
    return ch.charCodeAt(0)
  }

  hex(digits: number): number | undefined {
    const text = this.src.slice(this.pos, this.pos + digits)
    if (text.length !== digits || !/^[0-9a-fA-F]+$/.test(text)) return undefined
    this.pos += digits
    return Number.parseInt(text, 16)
  }

  characterClass(): CharSet {
    let negated = false
    if (this.src[this.pos] === '^') {
      negated = true
      this.pos++
    }
    const parts: CharSet[] = []
    while (this.src[this.pos] !== ']') {
      const from = this.classAtom()
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        const save = this.pos
        this.pos++
        const to = this.classAtom()
        if (isSingle(from) && isSingle(to)) {
          parts.push({ ranges: [from.ranges[0]!, to.ranges[0]!], negated: false })
          continue
        }
        // Annex B: `[\d-z]` is a class escape, a literal "-" and "z"
        this.pos = save + 1
        parts.push(from, { ranges: [0x2d, 0x2d], negated: false }, to)
        continue
      }
      parts.push(from)
    }
    this.pos++ // the closing bracket
    return { ranges: union(parts), negated }
  }

  classAtom(): CharSet {
    const ch = this.src[this.pos]!
    this.pos++
    if (ch !== '\\') return { ranges: [ch.charCodeAt(0), ch.charCodeAt(0)], negated: false }
    if (this.src[this.pos] === 'k') throw new Unsupported('backreferences are not supported')
    return this.classEscape(true)
  }

  quantified(atom: LikeNode): LikeNode {
    const ch = this.src[this.pos]
    let min: number
    let max: number
    if (ch === '*' || ch === '+' || ch === '?') {
      this.pos++
      min = ch === '+' ? 1 : 0
      max = ch === '?' ? 1 : Number.POSITIVE_INFINITY
    } else if (ch === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos))
      if (match === null) return atom // Annex B: a "{" that starts no quantifier is a literal
      this.pos += match[0].length
      min = Number(match[1])
      max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3])
      if (min > MAX_REPEAT || (Number.isFinite(max) && max > MAX_REPEAT)) {
        throw new Unsupported(`repetition counts above ${MAX_REPEAT} are not supported`)
      }
    } else {
      return atom
    }
    if (this.src[this.pos] === '?') this.pos++ // lazy and greedy match the same strings
    return { kind: 'repeat', node: atom, min, max }
  }
}

function literal(code: number): LikeNode {
  return { kind: 'char', set: { ranges: [code, code], negated: false } }
}

function isSingle(set: CharSet): boolean {
  return !set.negated && set.ranges.length === 2 && set.ranges[0] === set.ranges[1]
}

/** Union of sets as sorted, merged ranges (negated parts are complemented first). */
function union(parts: readonly CharSet[]): number[] {
  const pairs: Array<[number, number]> = []
  for (const part of parts) pairs.push(...toPairs(part.negated ? complement(part.ranges) : part.ranges))
  return mergeRanges(pairs)
}

/** Sets of UTF-16 code units as sorted, non-overlapping inclusive ranges in a flat array: [lo, hi, lo, hi, ...]. */

export function inRanges(ranges: readonly number[], code: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (code < ranges[i]!) return false
    if (code <= ranges[i + 1]!) return true
  }
  return false
}

/** Sorts and merges [lo, hi] pairs that overlap or touch. */
export function mergeRanges(pairs: Array<[number, number]>): number[] {
  pairs.sort((a, b) => a[0] - b[0])
  const merged: number[] = []
  for (const [lo, hi] of pairs) {
    const last = merged.length - 1
    if (last > 0 && lo <= merged[last]! + 1) merged[last] = Math.max(merged[last]!, hi)
    else merged.push(lo, hi)
  }
  return merged
}

export function toPairs(ranges: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = []
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!])
  return pairs
}

export function complement(ranges: readonly number[]): number[] {
  const result: number[] = []
  let next = 0
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i]!
    if (lo > next) result.push(next, lo - 1)
    next = ranges[i + 1]! + 1
  }
  if (next <= 0xffff) result.push(next, 0xffff)
  return result
}
