import type { Rec } from '../store.ts'
import type { ItemQuery, RelationReader } from './execute.ts'

export function shapeIsIdentity(shape: ItemQuery): boolean {
  return shape.fields === undefined && shape.embed.length === 0 && shape.expand.length === 0
}

/**
 * Applies `_fields`, then `_embed` / `_expand` (so related records survive a projection). Returns the stored
 * record itself when there is nothing to do, otherwise a new object: stored records are never mutated.
 */
export function shapeRecord(record: Rec, shape: ItemQuery, relations: RelationReader): Rec {
  if (shapeIsIdentity(shape)) return record
  const idField = shape.idField ?? 'id'
  const id = record[idField]
  const out: Record<string, unknown> =
    shape.fields === undefined ? { ...record } : project(record, shape.fields, idField)
  for (const embed of shape.embed) {
    setField(out, embed.key, id === undefined ? [] : relations.childrenOf(embed.child, embed.field, id))
  }
  for (const expand of shape.expand) {
    const foreignKey = record[expand.field]
    if (foreignKey === undefined || foreignKey === null) continue
    if (expand.many === true) {
      if (!Array.isArray(foreignKey)) continue
      const parents: Rec[] = []
      for (const id of foreignKey) {
        const parent = id === null || typeof id === 'object' ? undefined : relations.find(expand.parent, id)
        if (parent !== undefined) parents.push(parent)
      }
      setField(out, expand.key, parents)
      continue
    }
    const parent = relations.find(expand.parent, foreignKey)
    if (parent !== undefined) setField(out, expand.key, parent)
  }
  return out
}

function project(record: Rec, fields: readonly string[], idField: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (Object.hasOwn(record, idField)) setField(out, idField, record[idField])
  for (const field of fields) if (Object.hasOwn(record, field)) setField(out, field, record[field])
  return out
}

/** Plain assignment, except that a "__proto__" key from the query stays an ordinary property. */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/** Selections kept per collection version; the least recently used goes first. */
const MAX_SELECTIONS_PER_VERSION = 16
/** Bytes kept per collection version: keys plus one reference (8 bytes) per selected record. */
export const MAX_SELECTION_BYTES: number = 32 * 1024 * 1024

interface Selections {
  byKey: Map<string, readonly Rec[]>
  bytes: number
}

const selections = new WeakMap<readonly Rec[], Selections>()

/**
 * The filtered and sorted records for `key`, computed once per version of a collection. A version is the
 * stored array itself: the store replaces it on every change and never mutates it, so a cached selection
 * can never be stale, and it is garbage-collected with its version. Bounded in entries and in bytes.
 */
export function cachedSelection(
  records: readonly Rec[],
  key: string,
  select: () => readonly Rec[],
  maxBytes: number = MAX_SELECTION_BYTES,
): readonly Rec[] {
  let cache = selections.get(records)
  if (cache === undefined) {
    cache = { byKey: new Map(), bytes: 0 }
    selections.set(records, cache)
  }
  const { byKey } = cache
  const hit = byKey.get(key)
  if (hit !== undefined) {
    byKey.delete(key)
    byKey.set(key, hit)
    return hit
  }
  const selected = select()
  const bytes = sizeOf(key, selected)
  if (bytes > maxBytes) return selected
  byKey.set(key, selected)
  cache.bytes += bytes
  for (const [oldest, value] of byKey) {
    if (byKey.size <= MAX_SELECTIONS_PER_VERSION && cache.bytes <= maxBytes) break
    byKey.delete(oldest)
    cache.bytes -= sizeOf(oldest, value)
  }
  return selected
}

function sizeOf(key: string, selected: readonly Rec[]): number {
  return 64 + key.length + 8 * selected.length
}
