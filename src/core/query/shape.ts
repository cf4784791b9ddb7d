import type { Rec } from '../state.ts'
import type { ItemQuery, RelationReader } from './types.ts'

export function shapeIsIdentity(shape: ItemQuery): boolean {
  return shape.fields === undefined && shape.embed.length === 0 && shape.expand.length === 0
}

/**
 * Applies `_fields`, then `_embed` / `_expand` (so related records survive a projection). Returns the stored
 * record itself when there is nothing to do, otherwise a new object: stored records are never mutated.
 */
export function shapeRecord(record: Rec, shape: ItemQuery, relations: RelationReader): Rec {
  if (shapeIsIdentity(shape)) return record
  const out: Record<string, unknown> =
    shape.fields === undefined ? { ...record } : project(record, shape.fields)
  for (const embed of shape.embed) {
    setField(
      out,
      embed.key,
      record.id === undefined ? [] : relations.childrenOf(embed.child, embed.field, record.id),
    )
  }
  for (const expand of shape.expand) {
    const foreignKey = record[expand.field]
    if (foreignKey === undefined || foreignKey === null) continue
    const parent = relations.find(expand.parent, foreignKey)
    if (parent !== undefined) setField(out, expand.key, parent)
  }
  return out
}

function project(record: Rec, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (Object.hasOwn(record, 'id')) out.id = record.id
  for (const field of fields) if (Object.hasOwn(record, field)) setField(out, field, record[field])
  return out
}

/** Plain assignment, except that a "__proto__" key from the query stays an ordinary property. */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}
