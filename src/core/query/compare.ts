import type { Rec } from '../store.ts'

/**
 * Typed comparison of stored values with query text: the text is converted to the stored value's type, so
 * `?id=1` matches a stored 1 and a stored "1", while `?tel=123` does not match "0123".
 */

/** A query value, converted once per request to every type it could be compared with. */
export interface Operand {
  text: string
  /** undefined when the text is not a JSON-style number */
  number: number | undefined
  /** undefined unless the text is "true" or "false" */
  boolean: boolean | undefined
  isNull: boolean
}

const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

export function parseNumber(text: string): number | undefined {
  if (!NUMBER_TEXT.test(text)) return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

export function toOperand(text: string): Operand {
  return {
    text,
    number: parseNumber(text),
    boolean: text === 'true' ? true : text === 'false' ? false : undefined,
    isNull: text === 'null',
  }
}

/** Equality by the stored value's type; an array matches when one of its elements does. */
export function looseEquals(stored: unknown, operand: Operand): boolean {
  switch (typeof stored) {
    case 'string':
      return stored === operand.text
    case 'number':
      return stored === operand.number
    case 'boolean':
      return stored === operand.boolean
    case 'object':
      if (stored === null) return operand.isNull
      if (Array.isArray(stored)) {
        for (const element of stored) if (looseEquals(element, operand)) return true
      }
      return false
    default:
      return false
  }
}

/** Order of a stored scalar relative to the operand, or undefined when they cannot be compared. */
export function compareToOperand(stored: unknown, operand: Operand): number | undefined {
  switch (typeof stored) {
    case 'number':
      return operand.number === undefined ? undefined : stored - operand.number
    case 'string':
      return compareCodePoints(stored, operand.text)
    case 'boolean':
      return operand.boolean === undefined ? undefined : Number(stored) - Number(operand.boolean)
    default:
      return undefined
  }
}

/** String order by Unicode code point (not UTF-16 code unit, not locale). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

// surrogates (0xD800-0xDFFF) encode code points above 0xFFFF, so they must sort after 0xE000-0xFFFF
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800
}

/** Reads one (possibly dotted) field of a record; own properties only, so `__proto__` is just a name. */
export type Getter = (record: Rec) => unknown

/** "author.name" -> ["author", "name"]; "tags[0]" -> ["tags", "0"] (lodash-style, as json-server 0.17). */
export function splitPath(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.')
}

function ownValue(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
  return (value as Record<string, unknown>)[key]
}

export function compileGetter(segments: readonly string[]): Getter {
  if (segments.length === 1) {
    const key = segments[0]!
    // a plain data key can be read directly: records are JSON objects, so only prototype names need the guard
    if (!(key in Object.prototype)) return (record) => record[key]
    return (record) => ownValue(record, key)
  }
  return (record) => {
    let value: unknown = record
    for (const key of segments) {
      value = ownValue(value, key)
      if (value === undefined) return undefined
    }
    return value
  }
}

/** True when at least one record has a value (null included) at the path. */
export function anyRecordHas(records: readonly Rec[], get: Getter): boolean {
  for (const record of records) if (get(record) !== undefined) return true
  return false
}
