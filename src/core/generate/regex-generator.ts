import type { Random } from '../random.ts'

/**
 * Generates strings matching a JSON Schema `pattern` (ECMAScript syntax, `u` flag, as Ajv compiles it).
 * faker's helpers.fromRegExp only understands literals, classes and counts (no \d, groups, alternation
 * or anchors), which most real patterns use, hence this small generator. Lookarounds and back
 * references are not supported: `compilePattern` throws UnsupportedPatternError for them.
 */

type CodeRange = readonly [number, number]

type PatternNode =
  | { kind: 'text'; text: string }
  | { kind: 'chars'; ranges: readonly CodeRange[]; size: number }
  | { kind: 'choice'; options: readonly PatternNode[][] }
  | { kind: 'repeat'; node: PatternNode; min: number; max: number }

export class UnsupportedPatternError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'UnsupportedPatternError'
  }
}

/** How many extra repetitions `*`, `+` and `{n,}` may add: keeps generated values short and readable. */
const OPEN_REPEAT = 5

const PRINTABLE: readonly CodeRange[] = [[0x20, 0x7e]]
const DIGIT: readonly CodeRange[] = [[0x30, 0x39]]
const WORD: readonly CodeRange[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]
const SPACE: readonly CodeRange[] = [[0x20, 0x20]]
const UPPER: readonly CodeRange[] = [[0x41, 0x5a]]
const LOWER: readonly CodeRange[] = [[0x61, 0x7a]]
const LETTER: readonly CodeRange[] = [...UPPER, ...LOWER]

const PROPERTY_CLASSES: Readonly<Record<string, readonly CodeRange[]>> = {
  L: LETTER,
  Letter: LETTER,
  Alphabetic: LETTER,
  Lu: UPPER,
  Uppercase_Letter: UPPER,
  Ll: LOWER,
  Lowercase_Letter: LOWER,
  N: DIGIT,
  Nd: DIGIT,
  Number: DIGIT,
  Decimal_Number: DIGIT,
}

export type PatternGenerator = (random: Random) => string

export function compilePattern(pattern: string): PatternGenerator {
  try {
    new RegExp(pattern, 'u')
  } catch (error) {
    throw new UnsupportedPatternError(`not a valid regular expression: ${(error as Error).message}`)
  }
  const parser = new PatternParser(pattern)
  const root = parser.parse()
  return (random) => {
    const out: string[] = []
    emit(root, random, out)
    return out.join('')
  }
}

function emit(node: PatternNode, random: Random, out: string[]): void {
  switch (node.kind) {
    case 'text':
      out.push(node.text)
      return
    case 'chars':
      out.push(String.fromCodePoint(pickCode(node.ranges, node.size, random)))
      return
    case 'choice': {
      const option = node.options[Math.floor(random() * node.options.length)]!
      for (const child of option) emit(child, random, out)
      return
    }
    case 'repeat': {
      const times = node.min + Math.floor(random() * (node.max - node.min + 1))
      for (let i = 0; i < times; i++) emit(node.node, random, out)
      return
    }
  }
}

function pickCode(ranges: readonly CodeRange[], size: number, random: Random): number {
  let index = Math.floor(random() * size)
  for (const [from, to] of ranges) {
    const width = to - from + 1
    if (index < width) return from + index
    index -= width
  }
  return ranges[0]![0]
}

function charsNode(ranges: readonly CodeRange[]): PatternNode {
  const size = ranges.reduce((sum, [from, to]) => sum + to - from + 1, 0)
  if (size === 0) throw new UnsupportedPatternError('a character class that no printable character matches')
  return { kind: 'chars', ranges, size }
}

/** Printable ASCII characters outside `ranges` (negated classes draw from these). */
function complement(ranges: readonly CodeRange[]): CodeRange[] {
  const result: CodeRange[] = []
  const [low, high] = PRINTABLE[0]!
  let start = low
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  for (const [from, to] of sorted) {
    if (to < start || from > high) continue
    if (from > start) result.push([start, from - 1])
    start = Math.max(start, to + 1)
  }
  if (start <= high) result.push([start, high])
  return result
}

class PatternParser {
  private readonly source: string
  private index = 0

  constructor(source: string) {
    this.source = source
  }

  parse(): PatternNode {
    const node = this.alternation()
    if (this.index < this.source.length) throw new UnsupportedPatternError(`unexpected "${this.peek()}"`)
    return node
  }

  private peek(): string {
    return this.source[this.index] ?? ''
  }

  private alternation(): PatternNode {
    const options: PatternNode[][] = [this.sequence()]
    while (this.peek() === '|') {
      this.index++
      options.push(this.sequence())
    }
    return { kind: 'choice', options }
  }

  private sequence(): PatternNode[] {
    const nodes: PatternNode[] = []
    while (this.index < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom()
      const quantified = this.quantifier(atom)
      if (quantified !== undefined) nodes.push(quantified)
    }
    return nodes
  }

  /** undefined for zero-width atoms (anchors, word boundaries). */
  private atom(): PatternNode | undefined {
    const char = this.peek()
    if (char === '^' || char === '$') {
      this.index++
      return undefined
    }
    if (char === '.') {
      this.index++
      return charsNode(PRINTABLE)
    }
    if (char === '(') return this.group()
    if (char === '[') return this.characterClass()
    if (char === '\\') return this.escape()
    const code = this.source.codePointAt(this.index)!
    this.index += code > 0xffff ? 2 : 1
    return { kind: 'text', text: String.fromCodePoint(code) }
  }

  private group(): PatternNode {
    this.index++
    if (this.source.startsWith('?:', this.index)) this.index += 2
    else if (/^\?<[A-Za-z_$]/.test(this.source.slice(this.index, this.index + 3))) {
      this.index = this.source.indexOf('>', this.index) + 1
    } else if (this.peek() === '?') throw new UnsupportedPatternError('lookahead and lookbehind assertions')
    const node = this.alternation()
    if (this.peek() !== ')') throw new UnsupportedPatternError('an unclosed group')
    this.index++
    return node
  }

  private quantifier(atom: PatternNode | undefined): PatternNode | undefined {
    const char = this.peek()
    let min: number
    let max: number
    if (char === '*' || char === '+' || char === '?') {
      this.index++
      min = char === '+' ? 1 : 0
      max = char === '?' ? 1 : min + OPEN_REPEAT
    } else if (char === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.index))
      if (match === null) return atom
      this.index += match[0].length
      min = Number(match[1])
      max = match[2] === undefined ? min : match[3] === '' ? min + OPEN_REPEAT : Number(match[3])
    } else {
      return atom
    }
    if (this.peek() === '?') this.index++
    if (atom === undefined) return undefined
    return { kind: 'repeat', node: atom, min, max }
  }

  private characterClass(): PatternNode {
    this.index++
    let negated = false
    if (this.peek() === '^') {
      negated = true
      this.index++
    }
    const ranges: CodeRange[] = []
    while (this.peek() !== ']') {
      if (this.index >= this.source.length) throw new UnsupportedPatternError('an unclosed character class')
      const start = this.classAtom()
      if (typeof start === 'number' && this.peek() === '-' && this.source[this.index + 1] !== ']') {
        this.index++
        const end = this.classAtom()
        if (typeof end !== 'number') throw new UnsupportedPatternError('a class escape as a range bound')
        ranges.push([start, end])
      } else if (typeof start === 'number') {
        ranges.push([start, start])
      } else {
        ranges.push(...start)
      }
    }
    this.index++
    return charsNode(negated ? complement(ranges) : ranges)
  }

  /** One code point, or the ranges of a class escape such as \d. */
  private classAtom(): number | readonly CodeRange[] {
    if (this.peek() !== '\\') {
      const code = this.source.codePointAt(this.index)!
      this.index += code > 0xffff ? 2 : 1
      return code
    }
    if (this.source[this.index + 1] === 'b') {
      this.index += 2
      return 0x08
    }
    const node = this.escape()
    if (node === undefined) throw new UnsupportedPatternError('an assertion inside a character class')
    if (node.kind === 'chars') return node.ranges
    if (node.kind === 'text') return node.text.codePointAt(0)!
    throw new UnsupportedPatternError('an unexpected escape in a character class')
  }

  private escape(): PatternNode | undefined {
    this.index++
    const char = this.peek()
    this.index++
    switch (char) {
      case 'd':
        return charsNode(DIGIT)
      case 'D':
        return charsNode(complement(DIGIT))
      case 'w':
        return charsNode(WORD)
      case 'W':
        return charsNode(complement(WORD))
      case 's':
        return charsNode(SPACE)
      case 'S':
        return charsNode(complement([...SPACE, [0x09, 0x0d]]))
      case 'b':
      case 'B':
        return undefined
      case 't':
        return { kind: 'text', text: '\t' }
      case 'n':
        return { kind: 'text', text: '\n' }
      case 'r':
        return { kind: 'text', text: '\r' }
      case 'f':
        return { kind: 'text', text: '\f' }
      case 'v':
        return { kind: 'text', text: '\v' }
      case '0':
        return { kind: 'text', text: '\0' }
      case 'x':
        return this.hexEscape(/^[0-9a-fA-F]{2}/)
      case 'u':
        return this.source[this.index] === '{'
          ? this.hexEscape(/^\{([0-9a-fA-F]+)\}/)
          : this.hexEscape(/^[0-9a-fA-F]{4}/)
      case 'c': {
        const letter = this.source.charCodeAt(this.index)
        this.index++
        return { kind: 'text', text: String.fromCharCode(letter % 32) }
      }
      case 'p':
      case 'P':
        return this.propertyEscape(char === 'P')
      case 'k':
        throw new UnsupportedPatternError('back references')
      default:
        if (/[1-9]/.test(char)) throw new UnsupportedPatternError('back references')
        return { kind: 'text', text: char }
    }
  }

  private hexEscape(shape: RegExp): PatternNode {
    const match = shape.exec(this.source.slice(this.index))!
    this.index += match[0].length
    return { kind: 'text', text: String.fromCodePoint(Number.parseInt(match[1] ?? match[0], 16)) }
  }

  private propertyEscape(negated: boolean): PatternNode {
    const match = /^\{([^}]*)\}/.exec(this.source.slice(this.index))!
    this.index += match[0].length
    const name = match[1]!.replace(/^(General_Category|gc)=/, '')
    const ranges = PROPERTY_CLASSES[name]
    if (ranges === undefined) throw new UnsupportedPatternError(`the Unicode property \\p{${name}}`)
    return charsNode(negated ? complement(ranges) : ranges)
  }
}
