import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { FieldError } from './errors.ts'
import type { FieldDef, ResourceDef } from './manifest/model.ts'

type JsonSchema = Record<string, unknown>

// ajv-formats is CommonJS; under NodeNext its default import is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, formats: string[]) => Ajv2020

let sharedAjv: Ajv2020 | undefined
function ajv(): Ajv2020 {
  if (sharedAjv === undefined) {
    sharedAjv = new Ajv2020({
      allErrors: true,
      strictTypes: false,
      allowUnionTypes: true,
      unicodeRegExp: true,
    })
    addFormats(sharedAjv, ['email', 'uri', 'uuid', 'date', 'date-time'])
  }
  return sharedAjv
}

const TIMESTAMP_FIELDS = ['createdAt', 'updatedAt'] as const

/** Field keywords that are JSON Schema keywords of the same name and meaning. */
export const CONSTRAINT_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
] as const

/** JSON Schema 2020-12 for one field (the same schema feeds validation and the OpenAPI export). */
export function fieldSchema(field: FieldDef, options: { forInput: boolean }): JsonSchema {
  const schema: JsonSchema = { type: field.nullable ? [field.type, 'null'] : field.type }
  if (field.format !== undefined) schema.format = field.format
  if (field.enum !== undefined) schema.enum = field.nullable ? [...field.enum, null] : [...field.enum]
  for (const key of CONSTRAINT_KEYWORDS) {
    if (field[key] !== undefined) schema[key] = field[key]
  }
  if (field.items !== undefined) schema.items = fieldSchema(field.items, options)
  if (field.properties !== undefined) Object.assign(schema, objectSchema(field.properties, false, options))
  if (field.description !== undefined) schema.description = field.description
  if (field.readOnly) schema.readOnly = true
  return schema
}

function objectSchema(
  fields: Readonly<Record<string, FieldDef>>,
  additional: boolean,
  options: { forInput: boolean },
): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const [name, field] of Object.entries(fields)) {
    if (options.forInput && field.readOnly) continue
    properties[name] = fieldSchema(field, options)
    if (field.required) required.push(name)
  }
  const schema: JsonSchema = { properties, additionalProperties: additional }
  if (required.length > 0) schema.required = required
  return schema
}

/**
 * Schema of a resource's records. `input`: what a client may send (no id, timestamps or readOnly
 * fields; those are stripped before validation). `stored`: a whole record as kept in seed or state data.
 */
export function resourceSchema(resource: ResourceDef, kind: 'input' | 'stored'): JsonSchema {
  const forInput = kind === 'input'
  const schema: JsonSchema = {
    type: 'object',
    ...objectSchema(resource.fields ?? {}, resource.additionalFields, { forInput }),
  }
  if (!forInput) {
    const properties = schema.properties as Record<string, JsonSchema>
    if (!resource.singleton) {
      properties[resource.idField] =
        resource.id === 'integer'
          ? { type: 'integer' }
          : resource.id === 'uuid'
            ? { type: 'string', format: 'uuid' }
            : { type: 'string', minLength: 1 }
    }
    if (resource.timestamps) {
      for (const name of TIMESTAMP_FIELDS)
        properties[name] = { type: 'string', format: 'date-time', readOnly: true }
    }
  }
  return schema
}

export type RecordValidator = (value: unknown) => FieldError[]

// Compiled once per distinct schema: generation compiles a validator per field of every run.
const compiled = new Map<string, ValidateFunction>()

/** Compile a schema into a function returning every problem as pointer + human detail ([] = valid). */
export function compileValidator(schema: JsonSchema): RecordValidator {
  const key = JSON.stringify(schema)
  let validate = compiled.get(key)
  if (validate === undefined) {
    validate = ajv().compile(schema)
    compiled.set(key, validate)
  }
  const check = validate
  return (value) => (check(value) ? [] : formatErrors(check.errors ?? [], schema))
}

/** Whether a string is a valid `format` (email, uri, uuid, date, date-time), judged as records are. */
export function formatCheck(format: string): (value: string) => boolean {
  const added = ajv().formats[format]
  const test = typeof added === 'object' && !(added instanceof RegExp) ? added.validate : added
  if (test instanceof RegExp) return (value) => test.test(value)
  if (typeof test === 'function') return (value) => (test as (value: string) => boolean)(value)
  throw new Error(`unknown format "${format}"`)
}

export function compileResourceValidator(resource: ResourceDef, kind: 'input' | 'stored'): RecordValidator {
  return compileValidator(resourceSchema(resource, kind))
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

const FORMAT_DETAIL: Record<string, string> = {
  email: 'must be a valid email address',
  uri: 'must be a valid absolute URI',
  uuid: 'must be a valid UUID',
  date: 'must be a valid date (YYYY-MM-DD)',
  'date-time': 'must be a valid RFC 3339 date-time (e.g. 2026-01-31T09:30:00Z)',
}

function typeDetail(type: unknown): string {
  const types = Array.isArray(type) ? type : [type]
  const words = types.map((t) =>
    t === 'integer' ? 'an integer' : t === 'array' || t === 'object' ? `an ${t}` : t,
  )
  return `must be ${words.map((w) => (w === 'null' ? 'null' : w.startsWith('an ') ? w : `a ${w}`)).join(' or ')}`
}

function allowedKeys(schema: JsonSchema, instancePath: string): string[] {
  let node: JsonSchema | undefined = schema
  for (const token of instancePath.split('/').slice(1)) {
    const properties = node?.properties as Record<string, JsonSchema> | undefined
    node = properties?.[token] ?? (node?.items as JsonSchema | undefined)
  }
  return Object.keys((node?.properties as Record<string, unknown> | undefined) ?? {})
}

function formatErrors(errors: ErrorObject[], schema: JsonSchema): FieldError[] {
  const result: FieldError[] = []
  const seen = new Set<string>()
  for (const error of errors) {
    const params = error.params as Record<string, unknown>
    let pointer = error.instancePath
    let detail: string
    switch (error.keyword) {
      case 'required':
        pointer = `${pointer}/${escapePointerToken(String(params.missingProperty))}`
        detail = 'is required'
        break
      case 'additionalProperties': {
        pointer = `${pointer}/${escapePointerToken(String(params.additionalProperty))}`
        const allowed = allowedKeys(schema, error.instancePath)
        detail = `is not a known field${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}`
        break
      }
      case 'type':
        detail = typeDetail(params.type)
        break
      case 'format':
        detail = FORMAT_DETAIL[String(params.format)] ?? `must be a valid ${String(params.format)}`
        break
      case 'enum':
        detail = `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
        break
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        detail = `must be ${String(params.comparison)} ${String(params.limit)}`
        break
      case 'minLength':
        detail = `must be at least ${plural(params.limit, 'character')} long`
        break
      case 'maxLength':
        detail = `must be at most ${plural(params.limit, 'character')} long`
        break
      case 'pattern':
        detail = `must match the pattern ${String(params.pattern)}`
        break
      case 'minItems':
        detail = `must have at least ${plural(params.limit, 'item')}`
        break
      case 'maxItems':
        detail = `must have at most ${plural(params.limit, 'item')}`
        break
      default:
        detail = error.message ?? 'is invalid'
    }
    const key = `${pointer}\u0000${detail}`
    if (seen.has(key)) continue
    seen.add(key)
    result.push({ pointer, detail })
  }
  return result
}

function plural(count: unknown, noun: string): string {
  return `${String(count)} ${noun}${count === 1 ? '' : 's'}`
}
