import type { Collection } from './collection.ts'
import { type FieldError, RestmockError } from './errors.ts'
import type { Manifest, ResourceDef } from './manifest/model.ts'
import type { Rec, Store } from './store.ts'

/*
 * What a written record must satisfy beyond its JSON Schema: refs that point at existing records,
 * unique values, and the order of `after` pairs. The engine checks them on every write; seed data is
 * checked against the order rules when it is prepared.
 */

/** Refs of `input` (one-to-many and many-to-many) whose target record does not exist in `store`. */
export function refErrors(
  manifest: Manifest,
  store: Store,
  resource: ResourceDef,
  input: Record<string, unknown>,
): FieldError[] {
  const errors: FieldError[] = []
  for (const relation of manifest.relations) {
    if (relation.child !== resource.name) continue
    const value = input[relation.field]
    if (relation.many === true) {
      if (Array.isArray(value)) errors.push(...missingTargets(store, relation.parent, relation.field, value))
      continue
    }
    if (value === undefined || value === null || typeof value === 'object') continue
    if (!store.collection(relation.parent)?.has(value)) {
      errors.push({
        pointer: `/${relation.field}`,
        detail: `refers to ${relation.parent} ${JSON.stringify(value)}, which does not exist`,
      })
    }
  }
  return errors
}

/** Elements of a many-to-many array that are not ids of `parent` records. */
function missingTargets(store: Store, parent: string, field: string, ids: readonly unknown[]): FieldError[] {
  const collection = store.collection(parent)
  const errors: FieldError[] = []
  ids.forEach((id, index) => {
    if (id === null || typeof id === 'object' || collection?.has(id)) return
    errors.push({
      pointer: `/${field}/${index}`,
      detail: `refers to ${parent} ${JSON.stringify(id)}, which does not exist`,
    })
  })
  return errors
}

/**
 * Throws a `conflict` naming every unique field of `record` whose value another record of `collection`
 * (not `current`, the record being replaced) already holds; case-insensitive fields compare folded.
 */
export function checkUnique(collection: Collection, record: Rec, current: Rec | undefined): void {
  const errors: FieldError[] = []
  for (const [field, definition] of Object.entries(collection.resource.fields ?? {})) {
    const value = record[field]
    if (!definition.unique || value === undefined || value === null) continue
    const folded = definition.caseInsensitive === true && typeof value === 'string'
    const same = (other: unknown): boolean =>
      folded ? typeof other === 'string' && other.toLowerCase() === value.toLowerCase() : other === value
    const owner = collection.findBy(field, value).find((other) => other !== current && same(other[field]))
    if (owner !== undefined) {
      const taken =
        folded && owner[field] !== value ? ` (as ${JSON.stringify(owner[field])}, ignoring case)` : ''
      errors.push({
        pointer: `/${field}`,
        detail: `${JSON.stringify(value)} is already used by another record${taken}`,
      })
    }
  }
  if (errors.length > 0) {
    const detail = `${errors.length === 1 ? 'a unique field' : 'unique fields'} already in use`
    throw new RestmockError('conflict', detail, { errors })
  }
}

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
export function comparable(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const instant = Date.parse(value)
  return Number.isNaN(instant) ? undefined : instant
}

/** Throws `validation_failed` carrying `errors`, when there are any. */
export function throwIfInvalid(errors: FieldError[]): void {
  if (errors.length === 0) return
  const detail = errors.length === 1 ? '1 field is invalid' : `${errors.length} fields are invalid`
  throw new RestmockError('validation_failed', detail, { errors })
}
