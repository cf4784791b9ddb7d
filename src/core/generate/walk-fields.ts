import type { FieldDef, ResourceDef } from '../manifest/types.ts'

/**
 * Calls `visit` for every field of `resource`, nested properties and items included, with its manifest
 * path and, for top-level fields only, its name.
 */
export function walkFields(
  resource: ResourceDef,
  visit: (field: FieldDef, path: string, topLevelName: string | undefined) => void,
): void {
  const walk = (field: FieldDef, path: string, topLevelName: string | undefined): void => {
    visit(field, path, topLevelName)
    if (field.properties !== undefined) {
      for (const [name, child] of Object.entries(field.properties))
        walk(child, `${path}.properties.${name}`, undefined)
    }
    if (field.items !== undefined) walk(field.items, `${path}.items`, undefined)
  }
  for (const [name, field] of Object.entries(resource.fields ?? {})) {
    walk(field, `resources.${resource.name}.fields.${name}`, name)
  }
}
