import type { FieldDef, FieldType, ResourceDef } from '../manifest/model.ts'
import { unknownName } from './parse-query.ts'

/** The declared type at a path; undefined means any type (zero-config, or no declaration that deep). */
export interface ResolvedField {
  type: FieldType | undefined
  /** for array fields: the declared type of the elements */
  itemType: FieldType | undefined
}

export type Resolution = ({ ok: true } & ResolvedField) | { ok: false; problem: string }

/** What a query may name on one resource: declared fields (strict) or anything (zero-config). */
export interface FieldCatalog {
  /** true when the resource declares its fields: unknown names and mistyped values are 400s */
  strict: boolean
  /** top-level field names, for error messages */
  names: readonly string[]
  /** true when `name` is a top-level field a record may hold */
  has(name: string): boolean
  resolve(segments: readonly string[]): Resolution
}

const ANY: Resolution = { ok: true, type: undefined, itemType: undefined }
const ID_TYPES = { integer: 'integer', uuid: 'string', string: 'string' } as const

const ANYTHING: FieldCatalog = { strict: false, names: [], has: () => true, resolve: () => ANY }
const strictCatalogs = new WeakMap<ResourceDef, FieldCatalog>()

/** The catalog of a resource; built once per resource definition. */
export function fieldCatalog(resource: ResourceDef, strict: boolean): FieldCatalog {
  const declared = resource.fields
  if (!strict || declared === undefined) return ANYTHING
  let catalog = strictCatalogs.get(resource)
  if (catalog === undefined) {
    catalog = strictCatalog(resource, declared)
    strictCatalogs.set(resource, catalog)
  }
  return catalog
}

function strictCatalog(resource: ResourceDef, declared: Readonly<Record<string, FieldDef>>): FieldCatalog {
  const top = new Map<string, FieldDef | FieldType>([[resource.idField, ID_TYPES[resource.id]]])
  for (const [name, def] of Object.entries(declared)) top.set(name, def)
  if (resource.timestamps) {
    top.set('createdAt', 'string')
    top.set('updatedAt', 'string')
  }
  const names = [...top.keys()]
  return {
    strict: true,
    names,
    has: (name) => top.has(name) || resource.additionalFields,
    resolve(segments) {
      const [first = '', ...rest] = segments
      const entry = top.get(first)
      if (entry === undefined) {
        return resource.additionalFields ? ANY : { ok: false, problem: unknownName('field', first, names) }
      }
      if (typeof entry !== 'string') return resolveNested(entry, first, rest)
      if (rest.length > 0) return { ok: false, problem: noSubfields(first, entry) }
      return { ok: true, type: entry, itemType: undefined }
    },
  }
}

function resolveNested(def: FieldDef, path: string, rest: readonly string[]): Resolution {
  let current = def
  let where = path
  for (const segment of rest) {
    if (current.type === 'object') {
      if (current.properties === undefined) return ANY
      const next = current.properties[segment]
      if (next === undefined) {
        return {
          ok: false,
          problem: unknownName(`field of ${where}`, segment, Object.keys(current.properties)),
        }
      }
      current = next
    } else if (current.type === 'array') {
      if (!/^\d+$/.test(segment)) {
        return { ok: false, problem: `${where} is an array: the next path segment must be an index` }
      }
      if (current.items === undefined) return ANY
      current = current.items
    } else {
      return { ok: false, problem: noSubfields(where, current.type) }
    }
    where = `${where}.${segment}`
  }
  return { ok: true, type: current.type, itemType: current.items?.type }
}

function noSubfields(path: string, type: FieldType): string {
  return `${path} is a ${type} field, it has no nested fields`
}
