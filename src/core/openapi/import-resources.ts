import type { IdStrategy } from '../manifest/model.ts'
import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import { singular } from '../manifest/zero-config.ts'
import type { DocumentRefs } from './document-refs.ts'
import { fieldFromSchema, singleType } from './import-fields.ts'
import { type JsonSchema, jsonSchemaOf, mergeAllOf, type SchemaContext } from './import-schema.ts'
import {
  type DocumentOperation,
  jsonMedia,
  mediaExample,
  requestBodyOf,
  segmentsOf,
  successResponses,
  successSchema,
} from './openapi-paths.ts'
import { type ResourceShape, resourceShape } from './response-shapes.ts'

const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
const DEFAULT_COUNT = 10

/** A CRUD-shaped pair of paths turned into a manifest resource. */
export interface ImportedResource {
  name: string
  /** the document's collection path (/store/order); the engine serves it at /<name> */
  collectionPath: string
  /** the document's item path (/store/order/{orderId}) */
  itemPath?: string
  /** the property the item path addresses: the resource's key (`idField`) */
  idProperty: string
  /** exported by restmock (`x-restmock.resource`): its fields say their relations themselves */
  exported?: boolean
  /** the resource as a user would write it in a manifest */
  definition: PlainObject
  /** "METHOD /path" of every document operation the engine serves for this resource */
  covered: string[]
  /** example records as the document gives them (before mapping the id) */
  examples: PlainObject[]
  /** the answers the document declares where they differ from restmock's (create status, list envelope) */
  shape?: ResourceShape
}

/**
 * The resources of a document: an item path with a GET (`/pets/{petId}`) whose parent path is literal and
 * has a GET or a POST, and whose record is an object; schemas marked `x-restmock: { singleton: true }` on
 * a literal path with a GET. Relations come from `xxxId` properties naming one resource and from nested
 * collection paths (`/owners/{ownerId}/pets`).
 */
export function importResources(
  operations: readonly DocumentOperation[],
  context: SchemaContext,
): ImportedResource[] {
  const { refs } = context
  const byPath = new Map<string, Map<string, DocumentOperation>>()
  for (const operation of operations) {
    let methods = byPath.get(operation.path)
    if (methods === undefined) {
      methods = new Map()
      byPath.set(operation.path, methods)
    }
    methods.set(operation.method, operation)
  }
  const annotated = (schema: unknown, direction?: 'request' | 'response') =>
    mergeAllOf(jsonSchemaOf(schema, context, { annotations: true, ...(direction ? { direction } : {}) }))
  const resources: ImportedResource[] = []
  const taken = new Set<string>()

  for (const [path, methods] of byPath) {
    const segments = segmentsOf(path)
    const last = segments.at(-1)
    const get = methods.get('GET')
    if (get === undefined || last === undefined) continue
    const parentSegments = segments.slice(0, -1)
    if (last.param !== undefined) {
      if (parentSegments.length === 0 || parentSegments.some((segment) => segment.param !== undefined))
        continue
      const collectionPath = `/${parentSegments.map((segment) => segment.literal).join('/')}`
      const collection = byPath.get(collectionPath)
      const list = collection?.get('GET')
      const create = collection?.get('POST')
      if (list === undefined && create === undefined) continue
      const record = annotated(successSchema(get, refs), 'response')
      if (singleType(record)?.type !== 'object' || !isPlainObject(record.properties)) continue
      const extension = isPlainObject(record['x-restmock']) ? record['x-restmock'] : {}
      const name =
        typeof extension.resource === 'string' ? extension.resource : parentSegments.at(-1)!.literal!
      if (!RESOURCE_NAME.test(name) || taken.has(name)) continue
      taken.add(name)
      const input = create === undefined ? undefined : bodySchema(create, refs, annotated)
      const properties = record.properties as Record<string, JsonSchema>
      const idProperty =
        typeof extension.idField === 'string'
          ? extension.idField
          : last.param !== 'id' && properties[last.param] !== undefined
            ? last.param
            : 'id'
      const paramSchema = get.parameters.find((p) => p.in === 'path' && p.name === last.param)?.schema
      const idSchema = properties[idProperty] ?? annotated(paramSchema)
      const definition = resourceDefinition(record, input, extension, idProperty, idSchema)
      const covered = [`GET ${path}`]
      for (const method of ['PUT', 'PATCH', 'DELETE'])
        if (methods.has(method)) covered.push(`${method} ${path}`)
      if (list !== undefined) covered.push(`GET ${collectionPath}`)
      if (create !== undefined) covered.push(`POST ${collectionPath}`)
      const examples = exampleRecords(record, [get, list], refs)
      // a schema restmock exported says its count itself (none: the resource starts empty)
      const exported = typeof extension.resource === 'string'
      if (definition.count === undefined && examples.length === 0 && !exported)
        definition.count = DEFAULT_COUNT
      const resource: ImportedResource = {
        name,
        collectionPath,
        itemPath: path,
        idProperty,
        definition,
        covered,
        examples,
      }
      if (exported) resource.exported = true
      const shape = resourceShape(name, list, create, context, methods.get('DELETE'), get)
      if (shape !== undefined) resource.shape = shape
      resources.push(resource)
    } else if (parentSegments.every((segment) => segment.param === undefined)) {
      const record = annotated(successSchema(get, refs), 'response')
      const extension = isPlainObject(record['x-restmock']) ? record['x-restmock'] : {}
      if (extension.singleton !== true || typeof extension.resource !== 'string') continue
      const name = extension.resource
      if (!RESOURCE_NAME.test(name) || taken.has(name)) continue
      taken.add(name)
      const definition = resourceDefinition(record, undefined, extension, '', undefined)
      definition.singleton = true
      delete definition.id
      delete definition.count
      const covered = ['GET', 'PUT', 'PATCH'].filter((m) => methods.has(m)).map((m) => `${m} ${path}`)
      const examples = exampleRecords(record, [get], refs)
      resources.push({ name, collectionPath: path, idProperty: 'id', definition, covered, examples })
    }
  }
  linkRelations(resources, byPath)
  return resources
}

function bodySchema(
  operation: DocumentOperation,
  refs: DocumentRefs,
  annotated: (schema: unknown, direction?: 'request' | 'response') => JsonSchema,
): JsonSchema | undefined {
  const body = requestBodyOf(operation, refs)
  const media = jsonMedia(body?.content)
  return media?.media.schema === undefined ? undefined : annotated(media.media.schema, 'request')
}

function resourceDefinition(
  record: JsonSchema,
  input: JsonSchema | undefined,
  extension: PlainObject,
  idProperty: string,
  idSchema: JsonSchema | undefined,
): PlainObject {
  const definition: PlainObject = { id: idStrategyOf(extension.id, idSchema) }
  if (idProperty !== '' && idProperty !== 'id') definition.idField = idProperty
  if (typeof record.description === 'string') definition.description = record.description
  for (const key of ['count', 'timestamps', 'singleton', 'simulate'] as const)
    if (extension[key] !== undefined) definition[key] = extension[key]
  const timestamps = extension.timestamps === true
  const recordProperties = (record.properties ?? {}) as Record<string, JsonSchema>
  const inputProperties = (input?.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((input?.required ?? record.required ?? []) as string[])
  const fields: PlainObject = {}
  let open = extension.additionalFields === true || record.additionalProperties !== false
  // with another key, a property named `id` is an ordinary field
  const skip = new Set([idProperty || 'id', ...(timestamps ? ['createdAt', 'updatedAt'] : [])])
  // in the record's order (read-only fields where the record has them), then what only the input has
  const properties = { ...recordProperties, ...inputProperties, ...recordProperties }
  for (const [name, schema] of Object.entries(properties)) {
    if (skip.has(name)) continue
    const field = fieldFromSchema(schema, required.has(name) && schema.readOnly !== true)
    if (field === undefined) open = true
    else fields[name] = field
  }
  if (Object.keys(fields).length > 0) definition.fields = fields
  if (open && Object.keys(fields).length > 0) definition.additionalFields = true
  return definition
}

function idStrategyOf(declared: unknown, schema: JsonSchema | undefined): IdStrategy {
  if (declared === 'integer' || declared === 'uuid' || declared === 'string') return declared
  const shape = schema === undefined ? undefined : singleType(schema)
  if (shape?.type === 'integer' || shape?.type === 'number') return 'integer'
  if (shape === undefined && schema?.type === undefined) return 'integer'
  return schema?.format === 'uuid' ? 'uuid' : 'string'
}

/** Records the document gives: the schema's `example(s)`, the item or list GET's example, or property examples. */
function exampleRecords(
  record: JsonSchema,
  operations: readonly (DocumentOperation | undefined)[],
  refs: DocumentRefs,
): PlainObject[] {
  const found: unknown[] = []
  if (record.example !== undefined) found.push(record.example)
  if (Array.isArray(record.examples)) found.push(...record.examples)
  for (const operation of operations) {
    if (operation === undefined || found.length > 0) continue
    for (const { response } of successResponses(operation, refs)) {
      const media = jsonMedia(response.content)
      const example = media === undefined ? undefined : mediaExample(media.media, refs)
      if (example === undefined) continue
      found.push(...(Array.isArray(example.value) ? example.value : [example.value]))
      break
    }
  }
  if (found.length === 0) {
    const composed: PlainObject = {}
    for (const [name, schema] of Object.entries((record.properties ?? {}) as Record<string, JsonSchema>))
      if (schema.example !== undefined) composed[name] = schema.example
    const required = (record.required ?? []) as string[]
    if (Object.keys(composed).length > 0 && required.every((name) => name in composed)) found.push(composed)
  }
  return found.filter(isPlainObject).map((example) => structuredClone(example))
}

/** camelCase or snake_case to the kebab-case of resource names (specialEvent -> special-event). */
function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replaceAll('_', '-')
    .toLowerCase()
}

/** The one resource an `xxxId` property names (singular or plural, camel-cased), or undefined. */
export function resourceNamed(prefix: string, names: readonly string[]): string | undefined {
  const wanted = kebab(prefix)
  const matches = names.filter((name) => {
    const lower = name.toLowerCase()
    return lower === wanted || singular(lower) === wanted || lower === `${wanted}s`
  })
  return matches.length === 1 ? matches[0] : undefined
}

/** Whether a field of the resource refers to `parent`, itself or through its items (many-to-many). */
function refersTo(definition: PlainObject, parent: string): boolean {
  const fields = Object.values((definition.fields ?? {}) as Record<string, PlainObject>)
  return fields.some(
    (field) => field.ref === parent || (field.items as PlainObject | undefined)?.ref === parent,
  )
}

function linkRelations(
  resources: ImportedResource[],
  byPath: Map<string, Map<string, DocumentOperation>>,
): void {
  const named = new Map(resources.filter((r) => r.definition.singleton !== true).map((r) => [r.name, r]))
  const names = [...named.keys()]
  const idType = (target: ImportedResource) => (target.definition.id === 'integer' ? 'integer' : 'string')
  for (const resource of resources) {
    if (resource.exported === true) continue
    const fields = (resource.definition.fields ?? {}) as Record<string, PlainObject>
    for (const [field, definition] of Object.entries(fields)) {
      const match = /^(.+)Id$/.exec(field)
      if (match === null || definition.ref !== undefined) continue
      const target = resourceNamed(match[1]!, names)
      if (target !== undefined && definition.type === idType(named.get(target)!)) definition.ref = target
    }
  }
  // /owners/{ownerId}/pets: pets.ownerId is a ref to owners, served by the nested route
  for (const [path, methods] of byPath) {
    const segments = segmentsOf(path)
    if (segments.length !== 3) continue
    const [parentSegment, param, childSegment] = segments as [
      { literal?: string },
      { param?: string },
      { literal?: string },
    ]
    const parent = [...named.values()].find((r) => r.collectionPath === `/${parentSegment.literal}`)
    const child = [...named.values()].find((r) => r.collectionPath === `/${childSegment.literal}`)
    if (parent === undefined || child === undefined || param.param === undefined || child === parent) continue
    if (child.exported === true) {
      if (refersTo(child.definition, parent.name))
        for (const method of ['GET', 'POST']) if (methods.has(method)) child.covered.push(`${method} ${path}`)
      continue
    }
    const fieldName = param.param === 'id' ? `${singular(parent.name)}Id` : param.param
    child.definition.fields ??= {}
    const fields = child.definition.fields as Record<string, PlainObject>
    const existing = fields[fieldName]
    if (existing !== undefined && existing.type !== idType(parent)) continue
    fields[fieldName] = { ...(existing ?? { type: idType(parent) }), ref: parent.name }
    for (const method of ['GET', 'POST']) if (methods.has(method)) child.covered.push(`${method} ${path}`)
  }
}
