/** The primary key's field name when neither `--id` nor a resource's `idField` names another. */
export const DEFAULT_ID_FIELD = 'id'

// usable as a query parameter (`?_id=a1`) and in `_sort`/`_fields`: no dots (nested paths), no brackets,
// no spaces, no operator suffix separator at the start
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])
/** query parameters that mean something else on a list: a field with one of these names could not be filtered */
const QUERY_WORDS = new Set([
  'q',
  '_',
  'callback',
  '_sort',
  '_order',
  '_page',
  '_per_page',
  '_limit',
  '_start',
  '_end',
  '_embed',
  '_expand',
  '_fields',
  '_where',
  '_delay',
  '_status',
  '_fault',
])

/** Why `name` cannot be a primary key's field name, or undefined when it can. */
export function idFieldProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a field name such as id or _id'
  if (!FIELD_NAME.test(name) || FORBIDDEN.has(name)) {
    return `must be a plain field name (letters, digits, "_", "$" and "-", not starting with a digit), got ${JSON.stringify(name)}`
  }
  if (QUERY_WORDS.has(name)) return `must not be "${name}": that is a query parameter of every list`
  return undefined
}
