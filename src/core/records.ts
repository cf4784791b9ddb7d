import type { FieldDef, ResourceDef } from './manifest/model.ts'
import type { Rec } from './store.ts'

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
    if (key === resource.idField && !resource.singleton) continue
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

/**
 * How PATCH combines a body with the stored record: `merge-patch` is RFC 7396 (above); `shallow` is
 * json-server's `{ ...record, ...body }` (top-level fields replaced, `null` stored as null).
 */
export type PatchStyle = 'merge-patch' | 'shallow'

export function applyPatch(
  style: PatchStyle,
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  return style === 'shallow'
    ? { ...target, ...patch }
    : (mergePatch(target, patch) as Record<string, unknown>)
}

/** `Content-Type: application/merge-patch+json` asks for RFC 7396 whatever the default; undefined otherwise. */
export function requestedPatchStyle(contentType: string | undefined): PatchStyle | undefined {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase()
  return mediaType === 'application/merge-patch+json' ? 'merge-patch' : undefined
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A record's JSON text and strong ETag. */
export interface Representation {
  text: string
  etag: string
}

const representations = new WeakMap<Rec, Representation>()

/**
 * The JSON text and ETag of a record, computed once per stored record: a stored record is frozen and
 * never changes, so neither can go stale. The journal line of a write, the response to it and every
 * later read share one serialization (one cache lookup, one miss per record). A record that is not
 * frozen (shaped for one response) is serialized every time.
 */
export function representationOf(record: Rec): Representation {
  let representation = representations.get(record)
  if (representation === undefined) {
    const text = JSON.stringify(record)
    representation = { text, etag: etagOf(text) }
    if (Object.isFrozen(record)) representations.set(record, representation)
  }
  return representation
}

/** `JSON.stringify(record)`, through the cache for stored records. */
export function recordText(record: Rec): string {
  return Object.isFrozen(record) ? representationOf(record).text : JSON.stringify(record)
}

/**
 * Strong ETag of a serialized representation: cyrb53 (fast, 53-bit, pure JS), written as two base-36
 * integers (converting the 53-bit number as a whole takes longer than hashing the text). The
 * multipliers are written as int32 so that Math.imul never sees a double.
 */
export function etagOf(text: string): string {
  let h1 = 0xdeadbeef | 0
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, -1640531535) // 2654435761
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), -2048144789) ^ Math.imul(h2 ^ (h2 >>> 13), -1028477387) // 2246822507, 3266489909
  h2 = Math.imul(h2 ^ (h2 >>> 16), -2048144789) ^ Math.imul(h1 ^ (h1 >>> 13), -1028477387)
  const high = (2097151 & h2).toString(36)
  const low = (h1 >>> 0).toString(36).padStart(7, '0')
  return `"${high}${low}-${text.length.toString(36)}"`
}
