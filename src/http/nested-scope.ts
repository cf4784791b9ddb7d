import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import type { ResourceDef } from '../core/manifest/types.ts'
import { findChildRelation } from '../core/query/index.ts'
import type { RecordId } from '../core/state.ts'

/** GET/POST /parent/:id/child: the child records are those whose `field` holds the parent's id. */
export interface NestedScope {
  field: string
  /** the parent's id as stored (its own type: POST sets the foreign key to exactly this) */
  parentId: RecordId
}

/** Resolves /parent/:id/child; 404 when the child is not related to the parent or the parent does not exist. */
export function nestedScope(
  engine: Engine,
  parent: ResourceDef,
  id: string,
  childName: string,
): { child: ResourceDef; scope: NestedScope } {
  const base = engine.manifest.basePath
  if (parent.singleton) {
    throw new RestmockError('not_found', `${parent.name} is a singleton: use ${base}/${parent.name}`)
  }
  const child = engine.resource(childName)
  const relation =
    child === undefined ? undefined : findChildRelation(engine.manifest, parent.name, childName)
  if (child === undefined || relation === undefined) {
    const related = engine.manifest.relations.filter((r) => r.parent === parent.name).map((r) => r.child)
    const list = related.length === 0 ? 'none' : [...new Set(related)].join(', ')
    throw new RestmockError(
      'not_found',
      `${base}/${parent.name}/:id/${childName} does not exist: no ${childName} field refers to ${parent.name}; nested collections of ${parent.name}: ${list}`,
    )
  }
  const record = engine.get(parent.name, id as RecordId)
  return { child, scope: { field: relation.field, parentId: record.id as RecordId } }
}
