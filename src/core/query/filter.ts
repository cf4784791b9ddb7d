import type { FieldType } from '../manifest/model.ts'
import type { Rec } from '../store.ts'
import {
  compareToOperand,
  compileGetter,
  type Getter,
  looseEquals,
  type Operand,
  parseNumber,
  splitPath,
  toOperand,
} from './compare.ts'
import type { FieldCatalog, ResolvedField } from './field-catalog.ts'
import { combinedRegExps, compileLike, literalMatcher, literalsMatcher } from './like.ts'
import { type FilterOp, invalidQuery, parseFilterKey } from './parse-query.ts'

/** One filter parameter (all its repeated values), compiled once per request. */
export interface Filter {
  /** the parameter name as sent, e.g. "views_gte" */
  param: string
  /** reads the filtered field: in zero-config mode a filter on a field no record has is ignored */
  get: Getter
  test: (record: Rec) => boolean
}

type ValueTest = (stored: unknown) => boolean

/** Compiles `key=value` pairs sharing one key. Repeated values are alternatives (OR), except `_ne` (AND). */
export function compileFilter(key: string, values: readonly string[], catalog: FieldCatalog): Filter {
  const parsed = parseFilterKey(key, catalog)
  if (!parsed.ok) throw invalidQuery(key, values[0], parsed.problem)
  const segments = splitPath(parsed.field)
  const resolved = catalog.resolve(segments)
  if (!resolved.ok) throw invalidQuery(key, values[0], resolved.problem)
  // repeated values are alternatives: a duplicate adds nothing but work
  const texts = [...new Set(parsed.op === 'in' ? values.flatMap((value) => value.split(',')) : values)]
  if (catalog.strict) {
    for (const text of texts) {
      const problem = typeProblem(parsed.op, parsed.field, resolved, text)
      if (problem !== undefined) throw invalidQuery(key, text, problem)
    }
  }
  const get = compileGetter(segments)
  const matches = valueTest(parsed.op, texts, key)
  return { param: key, get, test: (record) => matches(get(record)) }
}

function valueTest(op: FilterOp, texts: readonly string[], key: string): ValueTest {
  switch (op) {
    case 'eq':
    case 'in':
      return equalsAny(texts.map(toOperand))
    case 'ne': {
      const equals = equalsAny(texts.map(toOperand))
      return (stored) => stored !== undefined && stored !== null && !equals(stored)
    }
    case 'gt':
      return orderTest(texts, (order) => order > 0)
    case 'gte':
      return orderTest(texts, (order) => order >= 0)
    case 'lt':
      return orderTest(texts, (order) => order < 0)
    case 'lte':
      return orderTest(texts, (order) => order <= 0)
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return textTest(literalsMatcher(texts, op))
    case 'like': {
      // patterns that run natively are joined into one regexp: 1,000 values cost one pass, not 1,000
      const native: string[] = []
      const others: Array<{ test(input: string): boolean }> = []
      for (const text of texts) {
        const like = compileLike(text)
        if (!like.ok) throw invalidQuery(key, text, like.reason)
        if (like.native !== undefined) native.push(like.native)
        else others.push(like)
      }
      return textTest([...combinedRegExps(native), ...others])
    }
  }
}

/**
 * Equality with any of the operands, by the stored value's type (as looseEquals): one Set lookup per
 * stored scalar however many values were sent, so `a=1&a=2&...` costs one pass over the records.
 */
function equalsAny(operands: readonly Operand[]): ValueTest {
  if (operands.length === 1) {
    const operand = operands[0]!
    return (stored) => looseEquals(stored, operand)
  }
  const texts = new Set<string>()
  const numbers = new Set<number>()
  let anyTrue = false
  let anyFalse = false
  let anyNull = false
  for (const operand of operands) {
    texts.add(operand.text)
    if (operand.number !== undefined) numbers.add(operand.number)
    if (operand.boolean === true) anyTrue = true
    if (operand.boolean === false) anyFalse = true
    if (operand.isNull) anyNull = true
  }
  const test = (stored: unknown): boolean => {
    switch (typeof stored) {
      case 'string':
        return texts.has(stored)
      case 'number':
        return numbers.has(stored)
      case 'boolean':
        return stored ? anyTrue : anyFalse
      case 'object':
        if (stored === null) return anyNull
        if (Array.isArray(stored)) {
          for (const element of stored) if (test(element)) return true
        }
        return false
      default:
        return false
    }
  }
  return test
}

/** A scalar test applied to a value, or to each element of an array value (any may match). */
function eachElement(test: ValueTest): ValueTest {
  return (stored) => {
    if (!Array.isArray(stored)) return test(stored)
    for (const element of stored) if (test(element)) return true
    return false
  }
}

function orderTest(texts: readonly string[], accept: (order: number) => boolean): ValueTest {
  const operands = texts.map(toOperand)
  return eachElement((stored) => {
    for (const operand of operands) {
      const order = compareToOperand(stored, operand)
      if (order !== undefined && accept(order)) return true
    }
    return false
  })
}

function textTest(patterns: ReadonlyArray<{ test(input: string): boolean }>): ValueTest {
  return eachElement((stored) => {
    const text = typeof stored === 'string' ? stored : scalarText(stored)
    if (text === undefined) return false
    for (const pattern of patterns) if (pattern.test(text)) return true
    return false
  })
}

function scalarText(stored: unknown): string | undefined {
  return typeof stored === 'number' || typeof stored === 'boolean' ? String(stored) : undefined
}

const ORDERED: ReadonlySet<FieldType> = new Set(['integer', 'number', 'string'])

/** Strict mode: why `text` cannot be compared with the declared field, or undefined when it can. */
function typeProblem(op: FilterOp, field: string, resolved: ResolvedField, text: string): string | undefined {
  const type = resolved.type === 'array' ? resolved.itemType : resolved.type
  if (type === undefined) return undefined
  const operator = op === 'eq' ? 'equality' : `operator ${op}`
  if (type === 'object' || type === 'array') {
    if ((op === 'eq' || op === 'ne') && text === 'null') return undefined
    return `${field} is an ${type} field: filter on one of its nested fields (${field}.<name>) instead`
  }
  switch (op) {
    case 'eq':
    case 'ne':
    case 'in':
      if (text === 'null') return undefined
      return valueProblem(type, field, text)
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (!ORDERED.has(type))
        return `${operator} does not apply to ${type} field ${field}; allowed: eq, ne, in`
      return valueProblem(type, field, text)
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      if (type !== 'string') return `${operator} applies to string fields only; ${field} is a ${type} field`
      return undefined
    case 'like':
      return undefined
  }
}

function valueProblem(type: FieldType, field: string, text: string): string | undefined {
  if ((type === 'integer' || type === 'number') && parseNumber(text) === undefined) {
    return `${field} is a ${type} field: the value must be a number`
  }
  if (type === 'boolean' && text !== 'true' && text !== 'false') {
    return `${field} is a boolean field: the value must be true or false`
  }
  return undefined
}

const NUMBER_CHARS = /^[-+.0-9eE]+$/

/**
 * `q=text`: case-insensitive substring over every value of a record, nested objects and arrays included
 * (keys are not searched). A tight recursive scan: no serialization, no per-record allocation for strings.
 */
export function compileSearch(text: string): (record: Rec) => boolean {
  const pattern = literalMatcher(text, 'contains')
  const needle = text.toLowerCase()
  // numbers and booleans are turned into text only when the needle could occur in them
  const numbers = NUMBER_CHARS.test(text)
  const booleans = 'true'.includes(needle) || 'false'.includes(needle)

  const scan = (value: unknown): boolean => {
    switch (typeof value) {
      case 'string':
        return pattern.test(value)
      case 'number':
        return numbers && String(value).toLowerCase().includes(needle)
      case 'boolean':
        return booleans && String(value).includes(needle)
      case 'object':
        if (value === null) return false
        if (Array.isArray(value)) {
          for (const element of value) if (scan(element)) return true
          return false
        }
        for (const key in value) if (scan((value as Record<string, unknown>)[key])) return true
        return false
      default:
        return false
    }
  }
  return scan
}
