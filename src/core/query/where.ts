import { RestmockError } from '../errors.ts'
import { nestingExceeds } from '../json-text.ts'
import { isObject } from '../records.ts'
import type { Rec } from '../store.ts'
import type { FieldCatalog } from './field-catalog.ts'
import { compileFilter } from './filter.ts'
import { type FilterOp, invalidQuery, unknownName } from './parse-query.ts'

/**
 * json-server 1.0's `_where`: a JSON filter such as `{"or":[{"views":{"gt":100}},{"title":{"eq":"x"}}]}`.
 * A field maps to an operator object (`{"gt":100}`) or, for a nested field, to an object of its own fields
 * (`{"author":{"name":{"eq":"Ada"}}}`); `or` takes a list of such filters, anywhere. Each operator means
 * what the `field:op` query parameter means (the value is compared in the stored value's type).
 */

const OPERATORS: readonly FilterOp[] = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'contains',
  'startsWith',
  'endsWith',
]
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS)
const MAX_DEPTH = 32
const EXAMPLE = '{"views":{"gt":100}}'

type Predicate = (record: Rec) => boolean

const NEVER: Predicate = () => false
const ALWAYS: Predicate = () => true

/** Compiles one `_where` value; an invalid one throws RestmockError('invalid_query') saying what is wrong. */
export function compileWhere(text: string, catalog: FieldCatalog): Predicate {
  if (text.length > MAX_DEPTH && nestingExceeds(text, MAX_DEPTH)) {
    throw whereProblem(`nests deeper than ${MAX_DEPTH} levels`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw whereProblem(`is not valid JSON (${(error as Error).message}); send an object such as ${EXAMPLE}`)
  }
  if (!isObject(value)) throw whereProblem(`must be a JSON object such as ${EXAMPLE}`)
  return compileNode(value, [], catalog)
}

/** Every entry of `node` must match; `path` is the field the node sits under ([] at the top). */
function compileNode(
  node: Record<string, unknown>,
  path: readonly string[],
  catalog: FieldCatalog,
): Predicate {
  const tests: Predicate[] = []
  for (const [key, value] of Object.entries(node)) {
    if (key === 'or') tests.push(compileOr(value, path, catalog))
    else if (path.length > 0 && OPERATOR_SET.has(key))
      tests.push(compileOperator(key as FilterOp, value, path, catalog))
    else if (isObject(value)) tests.push(compileNode(value, [...path, key], catalog))
    else if (path.length > 0) {
      throw whereProblem(`${unknownName('operator', key, OPERATORS)} (in ${path.join('.')})`)
    } else {
      const example = JSON.stringify({ [key]: { eq: value ?? null } })
      throw whereProblem(`field "${key}" needs an operator object, such as ${example}`)
    }
  }
  if (tests.length === 0) return ALWAYS
  if (tests.length === 1) return tests[0]!
  return (record) => {
    for (const test of tests) if (!test(record)) return false
    return true
  }
}

/** `or`: any of the listed filters; an empty list matches nothing (as in json-server 1.0). */
function compileOr(value: unknown, path: readonly string[], catalog: FieldCatalog): Predicate {
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw whereProblem(`"or" takes a list of filters, such as {"or":[${EXAMPLE},{"title":{"eq":"x"}}]}`)
  }
  const alternatives = value.map((alternative) => compileNode(alternative, path, catalog))
  if (alternatives.length === 0) return NEVER
  return (record) => {
    for (const alternative of alternatives) if (alternative(record)) return true
    return false
  }
}

function compileOperator(
  op: FilterOp,
  value: unknown,
  path: readonly string[],
  catalog: FieldCatalog,
): Predicate {
  const field = path.join('.')
  const values = op === 'in' && Array.isArray(value) ? value : [value]
  const texts = values.map((item) => {
    if (item === null || typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      return String(item)
    }
    const expected =
      op === 'in' ? 'a list of strings, numbers, booleans or null' : 'a string, number, boolean or null'
    throw whereProblem(`the value of "${op}" (in ${field}) must be ${expected}`)
  })
  if (texts.length === 0) return NEVER
  try {
    return compileFilter(`${field}:${op}`, texts, catalog).test
  } catch (error) {
    if (!(error instanceof RestmockError)) throw error
    // the filter's detail names a query parameter that was never sent: keep only what is wrong
    const at = error.message.indexOf('": ')
    throw whereProblem(`${at === -1 ? error.message : error.message.slice(at + 3)} (in ${field}.${op})`)
  }
}

function whereProblem(problem: string): RestmockError {
  return invalidQuery('_where', undefined, problem)
}
