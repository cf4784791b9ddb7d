import { didYouMean } from '../errors.ts'
import type { FieldDef, ResourceDef } from './model.ts'
import type { Reporter } from './reporter.ts'

/**
 * An array field whose `items` have a `ref` (`tagIds: { type: array, items: { type: integer, ref: tags } }`):
 * a many-to-many relation. The target must be a collection and the items must hold its kind of id.
 */
export function checkManyRef(
  resources: Readonly<Record<string, ResourceDef>>,
  resource: ResourceDef,
  fieldName: string,
  field: FieldDef,
  report: Reporter,
): void {
  const target = field.items?.ref
  if (target === undefined) return
  const path = `resources.${resource.name}.fields.${fieldName}.items`
  const parent = resources[target]
  if (parent === undefined) {
    report.add(`${path}.ref`, `unknown resource "${target}"${didYouMean(target, Object.keys(resources))}`)
    return
  }
  if (parent.singleton) {
    report.add(`${path}.ref`, `"${target}" is a singleton; a ref must point at a collection`)
    return
  }
  const expected = parent.id === 'integer' ? 'integer' : 'string'
  if (field.items!.type !== expected)
    report.add(`${path}.type`, `must be ${expected} to hold ids of "${target}" (id: ${parent.id})`)
}

/** The default onDelete of a many-to-many relation: deleting a target takes its id out of the arrays. */
export const MANY_ON_DELETE_DEFAULT = 'cascade' as const
