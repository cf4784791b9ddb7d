import type { Issue } from '../manifest/model.ts'
import { isPlainObject, type PlainObject, Reporter } from '../manifest/reporter.ts'
import { validateField } from '../manifest/validate-field.ts'
import { alternativesOf, type JsonSchema, mergeAllOf } from './import-schema.ts'

const MANIFEST_FORMATS = new Set(['email', 'uri', 'uuid', 'date', 'date-time'])
const NUMERIC = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const
const STRING = ['minLength', 'maxLength', 'pattern'] as const
const ARRAY = ['minItems', 'maxItems'] as const
const EXTENSION_KEYS = ['ref', 'onDelete', 'faker', 'unique', 'from', 'after'] as const

/** The one non-null type of a schema (with whether null is allowed too), or undefined when it has several. */
export function singleType(schema: JsonSchema): { type: string; nullable: boolean } | undefined {
  const raw = schema.type
  const types = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? (raw as string[]) : []
  const nullable = types.includes('null') || (Array.isArray(schema.enum) && schema.enum.includes(null))
  const concrete = types.filter((type) => type !== 'null')
  if (concrete.length === 1) return { type: concrete[0]!, nullable }
  if (concrete.length > 1) return undefined
  if (isPlainObject(schema.properties)) return { type: 'object', nullable }
  if (schema.items !== undefined) return { type: 'array', nullable }
  if (Array.isArray(schema.enum)) {
    const kinds = new Set(schema.enum.filter((value) => value !== null).map(enumType))
    if (kinds.size === 1) return { type: [...kinds][0]!, nullable }
  }
  return undefined
}

function enumType(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  if (Array.isArray(value)) return 'array'
  return value === null ? 'null' : typeof value
}

/**
 * A manifest field (as a user would write it) for one property schema (inlined, see jsonSchemaOf with
 * annotations), or undefined when the manifest cannot say it (several types, an open `oneOf` of different
 * types): the caller then leaves the property to `additionalFields`.
 */
export function fieldFromSchema(input: JsonSchema, required: boolean, depth = 0): PlainObject | undefined {
  let schema = mergeAllOf(input)
  const alternatives = alternativesOf(schema)
  if (alternatives !== undefined && schema.type === undefined && schema.properties === undefined) {
    // oneOf/anyOf of one type: that type (validated as such by a stateless route; a field keeps the type)
    const shapes = alternatives.map((alternative) => singleType(mergeAllOf(alternative)))
    const concrete = shapes.filter((shape) => shape !== undefined && shape.type !== 'null')
    const nullable =
      alternatives.some((alternative) => alternative.type === 'null') || shapes.some((s) => s?.nullable)
    const kinds = new Set(concrete.map((shape) => shape!.type))
    if (shapes.some((shape) => shape === undefined) || kinds.size !== 1) return undefined
    const type = [...kinds][0]!
    const { oneOf: _one, anyOf: _any, ...rest } = schema
    schema = { ...rest, type: nullable ? [type, 'null'] : type }
  }
  const shape = singleType(schema)
  if (shape === undefined) return undefined
  const field: PlainObject = { type: shape.type }
  if (required) field.required = true
  if (shape.nullable) field.nullable = true
  if (schema.readOnly === true) field.readOnly = true
  if (shape.type === 'integer' || shape.type === 'number') copy(schema, field, NUMERIC)
  if (shape.type === 'string') {
    copy(schema, field, STRING)
    if (typeof schema.format === 'string' && MANIFEST_FORMATS.has(schema.format)) field.format = schema.format
  }
  if (shape.type === 'array') {
    copy(schema, field, ARRAY)
    if (isPlainObject(schema.items) && depth < 8) {
      const items = fieldFromSchema(schema.items, false, depth + 1)
      if (items !== undefined) field.items = items
    }
  }
  if (shape.type === 'object' && isPlainObject(schema.properties) && depth < 8) {
    const needed = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
    const properties: PlainObject = {}
    for (const [name, value] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      const nested = fieldFromSchema(value, needed.has(name), depth + 1)
      if (nested !== undefined) properties[name] = nested
    }
    if (Object.keys(properties).length > 0) field.properties = properties
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.filter((value) => value !== null)
    if (values.length > 0) field.enum = values
  }
  if (schema.default !== undefined) field.default = schema.default
  if (typeof schema.description === 'string') field.description = schema.description
  const extension = schema['x-restmock']
  if (isPlainObject(extension))
    for (const key of EXTENSION_KEYS) if (extension[key] !== undefined) field[key] = extension[key]
  return usable(field)
}

function copy(from: JsonSchema, to: PlainObject, keys: readonly string[]): void {
  for (const key of keys) if (from[key] !== undefined) to[key] = from[key]
}

/**
 * The field as the manifest validator accepts it: a field whose constraints contradict each other (a
 * default outside its enum, a pattern Ajv cannot read) keeps its type and flags, without the constraints.
 */
function usable(field: PlainObject): PlainObject | undefined {
  if (issuesOf(field).length === 0) return field
  const plain: PlainObject = { type: field.type }
  for (const key of ['required', 'nullable', 'readOnly', 'description', 'ref', 'onDelete'] as const)
    if (field[key] !== undefined) plain[key] = field[key]
  return issuesOf(plain).length === 0 ? plain : undefined
}

function issuesOf(field: PlainObject): Issue[] {
  const reporter = new Reporter()
  // refs are checked against the whole manifest later
  const { ref: _ref, onDelete: _onDelete, ...own } = field
  validateField(own, 'field', reporter, false)
  return reporter.issues
}
