import type { FieldCatalog } from './field-catalog.ts'
import { unknownName } from './invalid-query.ts'

export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'like'

const COLON_OPERATORS: readonly FilterOp[] = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
  'startsWith',
  'endsWith',
]

const COLON_BY_LOWER = new Map(COLON_OPERATORS.map((op) => [op.toLowerCase(), op]))
const SUFFIX = /^(.+)_(gte|gt|lte|lt|ne|like)$/

export type FilterKey = { ok: true; field: string; op: FilterOp } | { ok: false; problem: string }

/**
 * Splits a filter parameter name into field and operator: `views_gte` (json-server 0.17), `views:gte` (v1),
 * or a plain `views` (equality). A declared field whose own name ends like an operator stays a field.
 */
export function parseFilterKey(key: string, catalog: FieldCatalog): FilterKey {
  const colon = key.lastIndexOf(':')
  if (colon > 0) {
    const name = key.slice(colon + 1)
    const op = COLON_BY_LOWER.get(name.toLowerCase())
    if (op !== undefined) return { ok: true, field: key.slice(0, colon), op }
    if (catalog.strict) {
      return {
        ok: false,
        problem: unknownName(
          'operator',
          `:${name}`,
          COLON_OPERATORS.map((o) => `:${o}`),
        ),
      }
    }
    return { ok: true, field: key, op: 'eq' }
  }
  const suffix = SUFFIX.exec(key)
  if (suffix !== null && !(catalog.strict && catalog.names.includes(key))) {
    return { ok: true, field: suffix[1]!, op: suffix[2] as FilterOp }
  }
  return { ok: true, field: key, op: 'eq' }
}
