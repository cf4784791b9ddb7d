import type { FieldError } from './errors.ts'
import type { ResourceDef } from './manifest/model.ts'
import type { Rec } from './store.ts'

/**
 * The `after` rules of a resource that `record` breaks: `endDate: { after: startDate }` holds when either
 * value is missing or null, or when endDate is not before startDate (dates by instant, numbers by value).
 */
export function orderErrors(resource: ResourceDef, record: Rec): FieldError[] {
  const errors: FieldError[] = []
  for (const [name, field] of Object.entries(resource.fields ?? {})) {
    if (field.after === undefined) continue
    const later = comparable(record[name])
    const earlier = comparable(record[field.after])
    if (later === undefined || earlier === undefined || later >= earlier) continue
    errors.push({
      pointer: `/${name}`,
      detail: `must not be before ${field.after} (${JSON.stringify(record[field.after])})`,
    })
  }
  return errors
}

/** Numbers as they are, date and date-time strings as instants; anything else is not compared. */
function comparable(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const instant = Date.parse(value)
  return Number.isNaN(instant) ? undefined : instant
}
