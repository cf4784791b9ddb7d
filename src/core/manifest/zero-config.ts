import { ConfigError } from '../errors.ts'
import { MANY_ON_DELETE_DEFAULT } from './many-refs.ts'
import type { Issue, Manifest, Relation, ResourceDef } from './model.ts'
import { DEFAULT_ID_FIELD } from './model.ts'

const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/**
 * Zero-config mode: a json-server db.json becomes a manifest. Arrays are collections (integer ids
 * when every id is a number or absent, string ids otherwise), objects are singletons, any JSON object
 * body is accepted, and relations follow the `<singular>Id` convention. `idField` names the primary key
 * of every collection (json-server's `--id _id`).
 */
export function inferManifest(data: unknown, source: string, idField: string = DEFAULT_ID_FIELD): Manifest {
  const issues: Issue[] = []
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${source} must be a JSON object keyed by resource name`, [
      { path: '', message: 'expected an object such as { "posts": [], "profile": {} }' },
    ])
  }
  const resources: Record<string, ResourceDef> = {}
  for (const [name, value] of Object.entries(data)) {
    if (!RESOURCE_NAME.test(name)) {
      issues.push({ path: name, message: `"${name}" cannot be served as a URL path segment` })
      continue
    }
    if (Array.isArray(value)) {
      const stringIds = value.some(
        (record) => typeof (record as Record<string, unknown> | null)?.[idField] === 'string',
      )
      resources[name] = {
        name,
        singleton: false,
        id: stringIds ? 'string' : 'integer',
        idField,
        timestamps: false,
        additionalFields: true,
      }
    } else if (typeof value === 'object' && value !== null) {
      resources[name] = {
        name,
        singleton: true,
        id: 'integer',
        idField,
        timestamps: false,
        additionalFields: true,
      }
    } else {
      issues.push({ path: name, message: 'must be an array (a collection) or an object (a singleton)' })
    }
  }
  if (issues.length > 0) throw new ConfigError(`${source} cannot be served:`, issues, source)
  const collections = Object.values(resources)
    .filter((resource) => !resource.singleton)
    .map((resource) => resource.name)
  return {
    name: source,
    basePath: '',
    resources,
    relations: conventionRelations(collections),
    zeroConfig: true,
  }
}

/**
 * Relations declared with `ref` (top-level fields) or `items: { ref }` (many-to-many). Default onDelete:
 * restrict when required, else set-null if nullable; cascade (the id leaves the array) for many-to-many.
 */
export function declaredRelations(resources: Readonly<Record<string, ResourceDef>>): Relation[] {
  const relations: Relation[] = []
  for (const resource of Object.values(resources)) {
    for (const [field, definition] of Object.entries(resource.fields ?? {})) {
      const many = definition.items?.ref
      if (definition.type === 'array' && many !== undefined && resources[many] !== undefined) {
        const onDelete = definition.onDelete ?? MANY_ON_DELETE_DEFAULT
        relations.push({ child: resource.name, field, parent: many, onDelete, many: true })
        continue
      }
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
