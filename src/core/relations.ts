import type { Relation, ResourceDef } from './manifest/types.ts'

/** Relations declared with `ref` (top-level fields). Default onDelete: restrict when required, else set-null if nullable. */
export function declaredRelations(resources: Readonly<Record<string, ResourceDef>>): Relation[] {
  const relations: Relation[] = []
  for (const resource of Object.values(resources)) {
    for (const [field, definition] of Object.entries(resource.fields ?? {})) {
      if (definition.ref === undefined || resources[definition.ref] === undefined) continue
      relations.push({
        child: resource.name,
        field,
        parent: definition.ref,
        onDelete: definition.onDelete ?? (definition.nullable ? 'set-null' : 'restrict'),
      })
    }
  }
  return relations
}

/** json-server's `<singular>Id` convention: comments.postId -> posts; dependents are deleted with their parent. */
export function conventionRelations(collections: readonly string[]): Relation[] {
  const relations: Relation[] = []
  for (const parent of collections) {
    const field = `${singular(parent)}Id`
    for (const child of collections) {
      if (child !== parent) relations.push({ child, field, parent, onDelete: 'cascade' })
    }
  }
  return relations
}

/** English singular for resource names (posts -> post, categories -> category, boxes -> box). */
export function singular(name: string): string {
  if (/ies$/i.test(name) && name.length > 3) return `${name.slice(0, -3)}y`
  if (/(ss|x|z|ch|sh)es$/i.test(name)) return name.slice(0, -2)
  if (/s$/i.test(name) && !/ss$/i.test(name)) return name.slice(0, -1)
  return name
}
