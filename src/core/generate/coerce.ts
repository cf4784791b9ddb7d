import type { FieldDef } from '../manifest/types.ts'
import { formatDate, formatDateTime } from './dates.ts'

/**
 * faker methods return what suits them (finance.amount a string, date.past a Date, number.bigInt a
 * bigint): convert to the field's type where the meaning is unambiguous; the checker judges the rest.
 */
export function coerceToField(value: unknown, field: FieldDef): unknown {
  if (value instanceof Date) {
    if (field.type === 'string')
      return field.format === 'date' ? formatDate(value.getTime()) : formatDateTime(value.getTime())
    if (field.type === 'integer' || field.type === 'number') return value.getTime()
    return value
  }
  switch (field.type) {
    case 'string':
      return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : value
    case 'integer':
    case 'number':
      if (typeof value === 'bigint') return Number(value)
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return Number(value)
      return value
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value
    default:
      return value
  }
}
