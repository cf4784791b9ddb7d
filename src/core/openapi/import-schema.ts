import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import type { OpenApiVersion } from './detect-openapi.ts'
import type { DocumentRefs } from './document-refs.ts'

export type JsonSchema = Record<string, unknown>

/** Which side of an exchange a schema describes: readOnly properties are not required in requests. */
export type Direction = 'request' | 'response'

export interface SchemaOptions {
  direction?: Direction
  /** keep `x-restmock`, `example(s)` and every `format` (for import, never for Ajv) */
  annotations?: boolean
  /** schema objects left to inline in this call (shared by its recursion) */
  budget?: { left: number }
}

export interface SchemaContext {
  refs: DocumentRefs
  version: OpenApiVersion
}

/** Formats our Ajv checks; the others (int64, password, binary...) are annotations only. */
const CHECKED_FORMATS = new Set(['email', 'uri', 'uuid', 'date', 'date-time'])
const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'])
/** Keywords copied as they are: the JSON Schema 2020-12 subset OpenAPI schemas use. */
const PLAIN_KEYWORDS = [
  'enum',
  'const',
  'multipleOf',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
  'description',
  'readOnly',
  'writeOnly',
] as const
/** Deeper than this, a schema is cut to its type: documents that nest this far are recursive in practice. */
const MAX_DEPTH = 24
/** Schema objects one call inlines at most. */
const INLINE_BUDGET = 20_000

/**
 * An OpenAPI schema object as plain JSON Schema 2020-12, ready for Ajv: `$ref`s inlined (a ref back to a
 * schema being inlined becomes `{ type }` of its target, so circular schemas terminate), 3.0 `nullable`
 * and boolean `exclusiveMinimum/Maximum` rewritten, annotations Ajv's strict mode rejects dropped
 * (`example`, `xml`, `discriminator`, `x-*`), and only the formats restmock checks kept.
 */
export function jsonSchemaOf(
  schema: unknown,
  context: SchemaContext,
  options: SchemaOptions = {},
  stack: readonly string[] = [],
): JsonSchema {
  const { direction } = options
  const { node, ref } = context.refs.follow(schema)
  if (ref !== undefined && stack.includes(ref)) return cutSchema(node)
  if (!isPlainObject(node)) return {}
  // a document reusing schemas everywhere (expandable objects inside expandable objects) would inline
  // exponentially: past the budget, schemas are cut to their type
  const budget = options.budget ?? { left: INLINE_BUDGET }
  budget.left--
  if (stack.length > MAX_DEPTH || budget.left < 0) return cutSchema(node)
  const inner = ref === undefined ? stack : [...stack, ref]
  const shared = options.budget === undefined ? { ...options, budget } : options
  const sub = (value: unknown): JsonSchema => jsonSchemaOf(value, context, shared, inner)
  const out: JsonSchema = {}
  const types = typesOf(node)
  const nullable = node.nullable === true && context.version === '3.0'
  if (types !== undefined) {
    const all = nullable && !types.includes('null') ? [...types, 'null'] : types
    out.type = all.length === 1 ? all[0] : all
  }
  for (const key of PLAIN_KEYWORDS) if (node[key] !== undefined) out[key] = node[key]
  if (nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
  if (typeof node.format === 'string' && CHECKED_FORMATS.has(node.format)) out.format = node.format
  exclusiveBound(node, out, 'exclusiveMinimum', 'minimum')
  exclusiveBound(node, out, 'exclusiveMaximum', 'maximum')
  if (node.items !== undefined && !Array.isArray(node.items)) out.items = sub(node.items)
  if (isPlainObject(node.properties)) {
    const properties: Record<string, JsonSchema> = {}
    for (const [name, value] of Object.entries(node.properties)) properties[name] = sub(value)
    out.properties = properties
  }
  if (Array.isArray(node.required)) {
    const properties = (out.properties ?? {}) as Record<string, JsonSchema>
    // a readOnly property is the server's to fill, a writeOnly one never comes back
    const skip = direction === 'request' ? 'readOnly' : direction === 'response' ? 'writeOnly' : undefined
    const required = node.required.filter(
      (name): name is string =>
        typeof name === 'string' && (skip === undefined || properties[name]?.[skip] !== true),
    )
    if (required.length > 0) out.required = required
  }
  if (node.additionalProperties === false) out.additionalProperties = false
  else if (isPlainObject(node.additionalProperties)) out.additionalProperties = sub(node.additionalProperties)
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    if (Array.isArray(node[key]) && node[key].length > 0) out[key] = node[key].map(sub)
  }
  if (node.not !== undefined) out.not = sub(node.not)
  if (options.annotations === true) {
    for (const key of ['x-restmock', 'example', 'examples', 'format'] as const)
      if (node[key] !== undefined) out[key] = node[key]
  }
  return out
}

function typesOf(node: PlainObject): string[] | undefined {
  const raw = node.type
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined
  if (list === undefined) return undefined
  const types = list.filter((type): type is string => typeof type === 'string' && TYPES.has(type))
  return types.length === 0 ? undefined : types
}

function exclusiveBound(node: PlainObject, out: JsonSchema, key: string, bound: string): void {
  const value = node[key]
  if (typeof value === 'number') out[key] = value
  else if (value === true && typeof node[bound] === 'number') {
    out[key] = node[bound]
    delete out[bound]
  }
}

/** A schema met again while being inlined: its type only (objects and arrays stay open). */
function cutSchema(node: unknown): JsonSchema {
  if (!isPlainObject(node)) return {}
  const types = typesOf(node)
  if (types !== undefined) return { type: types.length === 1 ? types[0] : types }
  if (isPlainObject(node.properties)) return { type: 'object' }
  return {}
}

/**
 * `allOf` merged into one schema (properties, required, the first type and bounds), recursively, as a
 * resource's fields need it; other keywords are kept from the first schema that has them.
 */
export function mergeAllOf(schema: JsonSchema): JsonSchema {
  const parts = Array.isArray(schema.allOf) ? (schema.allOf as JsonSchema[]) : []
  if (parts.length === 0) return schema
  const { allOf: _parts, ...own } = schema
  const merged: JsonSchema = {}
  const properties: Record<string, JsonSchema> = {}
  const required = new Set<string>()
  for (const part of [...parts.map(mergeAllOf), own]) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties') Object.assign(properties, value as Record<string, JsonSchema>)
      else if (key === 'required') for (const name of value as string[]) required.add(name)
      else if (merged[key] === undefined) merged[key] = value
    }
  }
  if (Object.keys(properties).length > 0) {
    merged.properties = properties
    merged.type ??= 'object'
  }
  if (required.size > 0) merged.required = [...required]
  return merged
}

/** The alternatives of a `oneOf`/`anyOf`, or undefined. */
export function alternativesOf(schema: JsonSchema): JsonSchema[] | undefined {
  const list = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined
  return Array.isArray(list) && list.length > 0 ? list : undefined
}
