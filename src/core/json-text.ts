import { RestmockError } from './errors.ts'

/** Deepest nesting of objects and arrays a request body may have. */
export const MAX_JSON_DEPTH = 100

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes to text; a body that is not valid UTF-8 is a 400 (never silently turned into U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new RestmockError('malformed_json', 'the body is not valid UTF-8; send JSON encoded as UTF-8')
  }
}

/**
 * JSON.parse for untrusted text: a document nested deeper than `maxDepth` is refused before it is
 * parsed (JSON.parse and every later walk recurse, so depth is checked by a linear scan of the text,
 * brackets inside strings not counted), and a number too large to represent (1e400 would become
 * Infinity, then null once stored) is refused with its JSON pointer. Throws RestmockError only.
 */
export function parseJsonBody(text: string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  if (text.length > maxDepth && nestingExceeds(text, maxDepth)) {
    throw new RestmockError(
      'invalid_body',
      `the body nests objects and arrays deeper than ${maxDepth} levels; the limit is ${maxDepth}`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new RestmockError('malformed_json', `the body is not valid JSON: ${(error as Error).message}`)
  }
  // only a long exponent or a long run of digits can overflow: skip the walk for every other body
  if (MAYBE_HUGE_NUMBER.test(text)) {
    const pointer = nonFinitePointer(value, '')
    if (pointer !== undefined) {
      throw new RestmockError(
        'invalid_body',
        `the number at ${pointer === '' ? 'the top level' : pointer} is too large to represent`,
        {
          errors: [{ pointer, detail: 'must be a finite number (within ±1.7976931348623157e308)' }],
        },
      )
    }
  }
  return value
}

const MAYBE_HUGE_NUMBER = /\d[eE]\+?\d{3}|\d{309}/

/** True when brackets outside strings nest deeper than `maxDepth`; O(n), no allocation. */
export function nestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === BACKSLASH) i++
      else if (code === QUOTE) inString = false
    } else if (code === QUOTE) {
      inString = true
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--
    }
  }
  return false
}

function nonFinitePointer(value: unknown, pointer: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : pointer
  if (typeof value !== 'object' || value === null) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFinitePointer(value[i], `${pointer}/${i}`)
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const [key, child] of Object.entries(value)) {
    const found = nonFinitePointer(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The offset of the first character that makes `text` invalid JSON (text.length when it ends too early),
 * or undefined when it is valid. V8's messages give a position only for some errors, so the state file's
 * error report finds it here; this runs only after JSON.parse has failed.
 */
/** How deep the error scan follows nesting (it recurses; JSON.parse itself goes deeper). */
const MAX_SCAN_DEPTH = 2000

export function jsonErrorOffset(text: string): number | undefined {
  let at = 0
  const fail = (): never => {
    throw at
  }
  const ws = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++
  }
  const expect = (char: string): void => {
    if (text[at] !== char) fail()
    at++
  }
  const literal = (word: string): void => {
    for (const char of word) expect(char)
  }
  const string = (): void => {
    expect('"')
    while (at < text.length && text[at] !== '"') {
      const code = text.charCodeAt(at)
      if (code < 0x20) fail()
      if (text[at] === '\\') {
        at++
        if (text[at] === 'u') {
          at++
          for (let i = 0; i < 4; i++) {
            if (!/[0-9a-fA-F]/.test(text[at] ?? '')) fail()
            at++
          }
          continue
        }
        if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail()
      }
      at++
    }
    expect('"')
  }
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at, at + 400))
    if (!match || match[0] === '' || match[0] === '-') fail()
    at += match![0].length
  }
  const object = (): void => {
    expect('{')
    ws()
    if (text[at] === '}') {
      at++
      return
    }
    for (;;) {
      ws()
      string()
      ws()
      expect(':')
      value()
      ws()
      if (text[at] !== ',') break
      at++
    }
    expect('}')
  }
  const array = (): void => {
    expect('[')
    ws()
    if (text[at] === ']') {
      at++
      return
    }
    for (;;) {
      value()
      ws()
      if (text[at] !== ',') break
      at++
    }
    expect(']')
  }
  let depth = 0
  const nested = (parse: () => void): void => {
    // past this depth the scan stops where it is: a file this deep is the problem worth pointing at
    if (++depth > MAX_SCAN_DEPTH) fail()
    parse()
    depth--
  }
  const value = (): void => {
    ws()
    const char = text[at]
    if (char === '{') nested(object)
    else if (char === '[') nested(array)
    else if (char === '"') string()
    else if (char === 't') literal('true')
    else if (char === 'f') literal('false')
    else if (char === 'n') literal('null')
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number()
    else fail()
  }
  try {
    value()
    ws()
    if (at < text.length) fail()
    return undefined
  } catch (offset) {
    if (typeof offset !== 'number') throw offset
    return Math.min(offset, text.length)
  }
}
