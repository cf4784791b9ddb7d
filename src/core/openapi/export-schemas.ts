import type { FieldDef, ResourceDef } from '../manifest/model.ts'
import { CONSTRAINT_KEYWORDS } from '../schema.ts'

export type JsonObject = Record<string, unknown>

/** Which schema a field is written into: a stored record (responses), a POST/PUT body or a PATCH body. */
export type SchemaRole = 'record' | 'input' | 'patch'

/** The reference to a component schema. */
export function schemaRef(name: string): JsonObject {
  return { $ref: `#/components/schemas/${name}` }
}

/** The JSON Schema of a record id under a resource's id strategy. */
export function idSchema(resource: ResourceDef): JsonObject {
  if (resource.id === 'integer') return { type: 'integer' }
  if (resource.id === 'uuid') return { type: 'string', format: 'uuid' }
  return { type: 'string', minLength: 1 }
}

/**
 * One field as a JSON Schema property: the field rules that JSON Schema can say map 1:1 (`nullable`
 * becomes `type: [<type>, "null"]`), the rest goes to the property's `x-restmock`. Input and patch
 * bodies leave out read-only fields; patch bodies (JSON merge patches) require nothing.
 */
export function propertySchema(field: FieldDef, role: SchemaRole): JsonObject {
  const schema: JsonObject = { type: field.nullable ? [field.type, 'null'] : field.type }
  if (field.format !== undefined) schema.format = field.format
  // as in validation: a nullable enum accepts null too
  if (field.enum !== undefined) schema.enum = field.nullable ? [...field.enum, null] : [...field.enum]
  for (const key of CONSTRAINT_KEYWORDS) {
    if (field[key] !== undefined) schema[key] = field[key]
  }
  if (field.items !== undefined) schema.items = propertySchema(field.items, role)
  if (field.properties !== undefined) {
    Object.assign(schema, objectProperties(field.properties, role))
    schema.additionalProperties = false
  }
  if (field.default !== undefined) schema.default = field.default
  if (field.readOnly) schema.readOnly = true
  if (field.description !== undefined) schema.description = field.description
  const extension = fieldExtension(field)
  if (extension !== undefined) schema['x-restmock'] = extension
  return schema
}

/** What JSON Schema cannot say about a field, only the keys that are set; undefined when none is. */
function fieldExtension(field: FieldDef): JsonObject | undefined {
  const extension: JsonObject = {}
  if (field.ref !== undefined) extension.ref = field.ref
  if (field.onDelete !== undefined) extension.onDelete = field.onDelete
  if (field.faker !== undefined) {
    // written back as a manifest would write it: a bare method path when it takes no arguments
    extension.faker =
      field.faker.args.length === 0
        ? field.faker.method
        : { method: field.faker.method, args: field.faker.args }
  }
  if (field.unique) {
    // emails compare ignoring case unless told otherwise; other strings only when told
    const byDefault = field.format === 'email' && field.ref === undefined
    const caseInsensitive = field.caseInsensitive === true
    extension.unique = caseInsensitive === byDefault ? true : { caseInsensitive }
  }
  if (field.from !== undefined) extension.from = [...field.from]
  if (field.after !== undefined) extension.after = field.after
  return Object.keys(extension).length === 0 ? undefined : extension
}

/** `properties` (and `required`, except in a patch) for a map of fields. */
function objectProperties(fields: Readonly<Record<string, FieldDef>>, role: SchemaRole): JsonObject {
  const properties: Record<string, JsonObject> = {}
  const required: string[] = []
  for (const [name, field] of Object.entries(fields)) {
    if (role !== 'record' && field.readOnly) continue
    properties[name] = propertySchema(field, role)
    if (field.required && role !== 'patch') required.push(name)
  }
  return required.length === 0 ? { properties } : { properties, required }
}

/**
 * The schema of a resource's records as answered: `id` (collections), every field, `createdAt` and
 * `updatedAt` (read-only) with `timestamps`, and the resource's settings under `x-restmock`.
 */
export function recordSchema(resource: ResourceDef): JsonObject {
  const fields = resource.fields
  const properties: Record<string, JsonObject> = {}
  const required: string[] = []
  if (!resource.singleton) {
    properties[resource.idField] = idSchema(resource)
    required.push(resource.idField)
  }
  if (fields !== undefined) {
    const own = objectProperties(fields, 'record')
    Object.assign(properties, own.properties)
    required.push(...((own.required as string[] | undefined) ?? []))
  }
  if (resource.timestamps) {
    for (const name of ['createdAt', 'updatedAt']) {
      properties[name] = { type: 'string', format: 'date-time', readOnly: true }
      required.push(name)
    }
  }
  const schema: JsonObject = { type: 'object', properties }
  // a declared field may document the key
  if (required.length > 0) schema.required = [...new Set(required)]
  if (fields !== undefined && !resource.additionalFields) schema.additionalProperties = false
  schema['x-restmock'] = resourceExtension(resource)
  return schema
}

/** `{ resource, id, idField?, count?, timestamps?, singleton?, additionalFields?, simulate? }`: the defaults left out. */
function resourceExtension(resource: ResourceDef): JsonObject {
  const extension: JsonObject = { resource: resource.name, id: resource.id }
  if (resource.idField !== 'id') extension.idField = resource.idField
  if (resource.count !== undefined) extension.count = resource.count
  if (resource.timestamps) extension.timestamps = true
  if (resource.singleton) extension.singleton = true
  if (resource.fields !== undefined && resource.additionalFields) extension.additionalFields = true
  if (resource.simulate !== undefined) extension.simulate = resource.simulate
  return extension
}

/**
 * The body of a POST or PUT (`input`) or of a PATCH (`patch`): the fields a client may send. A resource
 * without declared fields takes any JSON object.
 */
export function bodySchema(resource: ResourceDef, role: 'input' | 'patch'): JsonObject {
  if (resource.fields === undefined) return { type: 'object' }
  const schema: JsonObject = { type: 'object', ...objectProperties(resource.fields, role) }
  if (!resource.additionalFields) schema.additionalProperties = false
  if (role === 'patch') {
    schema.description =
      'A JSON merge patch (RFC 7396): the fields sent replace those of the record, objects merge, null removes a field; the merged record is validated as a whole.'
  }
  return schema
}

/** RFC 9457 problem details, the body of every error. */
export function problemSchemas(): Record<string, JsonObject> {
  return {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details; clients rely on `status` and `code`, `detail` is for humans.',
      required: ['type', 'title', 'status', 'code', 'detail'],
      properties: {
        type: { type: 'string', examples: ['/__restmock/problems/validation-failed'] },
        title: { type: 'string', examples: ['Unprocessable Content'] },
        status: { type: 'integer', minimum: 400, maximum: 599 },
        code: {
          type: 'string',
          description:
            'Stable error code: malformed_json, invalid_body, invalid_query, not_found, method_not_allowed, conflict, precondition_failed, payload_too_large, unsupported_media_type, validation_failed, rate_limited, simulated_failure, persistence_failed, internal, ...',
          examples: ['validation_failed'],
        },
        detail: { type: 'string' },
        instance: { type: 'string', description: 'the request path' },
        errors: { type: 'array', items: schemaRef('ProblemFieldError') },
      },
    },
    ProblemFieldError: {
      type: 'object',
      required: ['pointer', 'detail'],
      properties: {
        pointer: {
          type: 'string',
          description: 'RFC 6901 JSON pointer into the request body',
          examples: ['/email'],
        },
        detail: { type: 'string', examples: ['must be a valid email address'] },
      },
    },
  }
}
