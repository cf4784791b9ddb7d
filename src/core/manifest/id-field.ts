import { LIST_CONTROL_PARAMS } from '../query/parse-query.ts'
/** The primary key's field name when neither `--id` nor a resource's `idField` names another. */
export const DEFAULT_ID_FIELD = 'id'

// usable as a query parameter (`?_id=a1`) and in `_sort`/`_fields`: no dots (nested paths), no brackets,
// no spaces, no operator suffix separator at the start
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/** Why `name` cannot be a primary key's field name, or undefined when it can. */
export function idFieldProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'must be a field name such as id or _id'
  if (!FIELD_NAME.test(name) || FORBIDDEN.has(name)) {
    return `must be a plain field name (letters, digits, "_", "$" and "-", not starting with a digit), got ${JSON.stringify(name)}`
  }
  if (LIST_CONTROL_PARAMS.has(name)) return `must not be "${name}": that is a query parameter of every list`
  return undefined
}
