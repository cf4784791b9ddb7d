import type { FieldDef, ResourceDef } from './manifest/types.ts'
import type { Rec } from './state.ts'

export const TIMESTAMP_FIELDS = ['createdAt', 'updatedAt'] as const

/** Fill in declared defaults for missing fields, nested objects included. Returns `body` itself when none applies. */
export function applyDefaults(
  fields: Readonly<Record<string, FieldDef>> | undefined,
  body: Record<string, unknown>,
): Record<string, unknown> {
  if (fields === undefined) return body
  let result: Record<string, unknown> | undefined
  for (const [name, field] of Object.entries(fields)) {
    const value = body[name]
    let filled: unknown = value
    if (value === undefined && field.default !== undefined) filled = structuredClone(field.default)
    else if (field.properties !== undefined && isObject(value))
      filled = applyDefaults(field.properties, value)
    if (filled !== value) {
      result ??= { ...body }
      result[name] = filled
    }
  }
  return result ?? body
}

/**
 * What a client may set: everything except the id, timestamps and readOnly fields, which are
 * silently ignored in bodies (clients often send back a record they fetched).
 */
export function clientFields(
  resource: ResourceDef,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id' && !resource.singleton) continue
    if (resource.timestamps && (key === 'createdAt' || key === 'updatedAt')) continue
    if (resource.fields?.[key]?.readOnly) continue
    result[key] = value
  }
  return result
}

/** Server-managed values of a stored record that survive a PUT (readOnly fields, createdAt). */
export function managedFields(resource: ResourceDef, record: Rec): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(resource.fields ?? {})) {
    if (field.readOnly && record[key] !== undefined) result[key] = record[key]
  }
  if (resource.timestamps && record.createdAt !== undefined) result.createdAt = record.createdAt
  return result
}

/** RFC 7396 JSON merge patch: null removes, objects merge recursively, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else result[key] = mergePatch(result[key], value)
  }
  return result
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
