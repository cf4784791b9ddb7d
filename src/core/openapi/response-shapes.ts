import { isPlainObject } from '../manifest/reporter.ts'
import { type JsonSchema, jsonSchemaOf, mergeAllOf, type SchemaContext } from './import-schema.ts'
import { type DocumentOperation, requestBodyOf, successResponses, successSchema } from './openapi-paths.ts'

/** What a paging field of a list envelope holds, judged by its name. */
export type EnvelopeRole = 'total' | 'page' | 'limit' | 'pages' | 'offset' | 'next' | 'prev' | 'hasMore'

/** A list answer declared as an object around the records (`{ object, page, items: [...] }`). */
export interface ListEnvelope {
  /** the array property that holds the records */
  items: string
  /** paging properties filled from the page served */
  roles: Record<string, EnvelopeRole>
  /** properties with one possible value (`object: list`), sent as declared */
  constants: Record<string, unknown>
  /** `next`/`prev` are page numbers (integer schema) rather than URLs */
  numericLinks: boolean
}

/** How a resource's routes answer as its document declares them. */
export interface ResourceShape {
  resource: string
  /** the declared success status of the create when it is not 201 (200 for the Petstore) */
  createStatus?: number
  /** the declared success status of a delete when it is not 204 (200 for the Petstore's deletePet) */
  deleteStatus?: number
  /** that answer declares a body: the deleted record is sent */
  deleteAnswersRecord?: boolean
  /** the create accepts a form (urlencoded or multipart): its schema, to read the form's text values */
  formSchema?: JsonSchema
  /**
   * the create declares an answer that is not the record: its properties, filled from the stored record
   * by name, and the one (if any) that holds the whole record
   */
  createAnswer?: { properties: string[]; wrapper?: string }
  envelope?: ListEnvelope
  /** the document's own paging query parameters, by restmock parameter (`_page: page`, `_limit: limit`) */
  paging: Partial<Record<'_page' | '_limit' | '_start', string>>
}

const ROLES: [RegExp, EnvelopeRole][] = [
  [/^(total|totalCount|total_count|totalItems|total_items|totalResults|total_results|count)$/i, 'total'],
  [/^(page|currentPage|current_page|pageNumber|page_number)$/i, 'page'],
  [/^(limit|perPage|per_page|pageSize|page_size|size)$/i, 'limit'],
  [/^(pages|totalPages|total_pages|pageCount|page_count|last)$/i, 'pages'],
  [/^(offset|skip|start)$/i, 'offset'],
  [/^(next|nextPage|next_page|nextUrl|next_url)$/i, 'next'],
  [/^(prev|previous|prevPage|prev_page|previousPage|previous_page)$/i, 'prev'],
  [/^(has_more|hasMore|hasNext|has_next|hasNextPage|has_next_page)$/i, 'hasMore'],
]
const PAGE_PARAMS = /^(page|pageNumber|page_number)$/i
const LIMIT_PARAMS = /^(limit|per_page|perPage|pageSize|page_size|size)$/i
const OFFSET_PARAMS = /^(offset|skip|start)$/i

/** The shapes a resource's list and create declare, or undefined when they are restmock's own. */
export function resourceShape(
  resource: string,
  list: DocumentOperation | undefined,
  create: DocumentOperation | undefined,
  context: SchemaContext,
  remove?: DocumentOperation,
  item?: DocumentOperation,
): ResourceShape | undefined {
  const shape: ResourceShape = { resource, paging: {} }
  const answer = create === undefined || item === undefined ? undefined : createAnswer(create, item, context)
  if (answer !== undefined) shape.createAnswer = answer
  const createStatus = create === undefined ? undefined : successResponses(create, context.refs)[0]?.status
  if (createStatus !== undefined && createStatus !== 201 && createStatus !== 204)
    shape.createStatus = createStatus
  const form = create === undefined ? undefined : formBodySchema(create, context)
  if (form !== undefined) shape.formSchema = form
  const deleted = remove === undefined ? undefined : successResponses(remove, context.refs)[0]
  if (deleted !== undefined && deleted.status !== 204) {
    shape.deleteStatus = deleted.status
    if (isPlainObject(deleted.response.content) && Object.keys(deleted.response.content).length > 0)
      shape.deleteAnswersRecord = true
  }
  if (list !== undefined) {
    const envelope = listEnvelope(list, context)
    if (envelope !== undefined) shape.envelope = envelope
    for (const parameter of list.parameters) {
      if (parameter.in !== 'query' || typeof parameter.name !== 'string') continue
      if (PAGE_PARAMS.test(parameter.name)) shape.paging._page ??= parameter.name
      else if (LIMIT_PARAMS.test(parameter.name)) shape.paging._limit ??= parameter.name
      else if (OFFSET_PARAMS.test(parameter.name)) shape.paging._start ??= parameter.name
    }
  }
  const declared =
    shape.createStatus !== undefined ||
    shape.deleteStatus !== undefined ||
    shape.formSchema !== undefined ||
    shape.createAnswer !== undefined ||
    shape.envelope !== undefined ||
    Object.keys(shape.paging).length > 0
  return declared ? shape : undefined
}

function listEnvelope(list: DocumentOperation, context: SchemaContext): ListEnvelope | undefined {
  const schema = mergeAllOf(
    jsonSchemaOf(successSchema(list, context.refs), context, { direction: 'response' }),
  )
  if (!isPlainObject(schema.properties)) return undefined
  const properties = schema.properties as Record<string, JsonSchema>
  const arrays = Object.keys(properties).filter((name) => typeOf(properties[name]!) === 'array')
  if (arrays.length !== 1) return undefined
  const envelope: ListEnvelope = { items: arrays[0]!, roles: {}, constants: {}, numericLinks: false }
  for (const [name, property] of Object.entries(properties)) {
    if (name === envelope.items) continue
    const role = ROLES.find(([pattern]) => pattern.test(name))?.[1]
    if (role !== undefined) {
      envelope.roles[name] = role
      if ((role === 'next' || role === 'prev') && /integer|number/.test(String(typeOf(property))))
        envelope.numericLinks = true
    } else if (property.const !== undefined) envelope.constants[name] = property.const
    else if (Array.isArray(property.enum) && property.enum.length === 1)
      envelope.constants[name] = property.enum[0]
  }
  return envelope
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema.type
  if (typeof type === 'string') return type
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined
  return schema.items !== undefined ? 'array' : undefined
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/** The schema of a form body the operation declares (urlencoded or multipart), if it declares one. */
function formBodySchema(operation: DocumentOperation, context: SchemaContext): JsonSchema | undefined {
  const body = requestBodyOf(operation, context.refs)
  const content = isPlainObject(body?.content) ? body.content : {}
  for (const [type, media] of Object.entries(content)) {
    if (!FORM_TYPES.test(type) || !isPlainObject(media)) continue
    return mergeAllOf(jsonSchemaOf(media.schema ?? {}, context, { direction: 'request' }))
  }
  return undefined
}

/**
 * What a create declares it answers, when that is not the record the item `GET` answers: an object's
 * properties (one of them may hold the whole record, as in `{ data: Pet }`). Undefined when it is the
 * record, or not an object.
 */
function createAnswer(
  create: DocumentOperation,
  item: DocumentOperation,
  context: SchemaContext,
): ResourceShape['createAnswer'] {
  const raw = successSchema(create, context.refs)
  if (raw === undefined) return undefined
  const schemaOf = (node: unknown) => mergeAllOf(jsonSchemaOf(node, context, { direction: 'response' }))
  const declared = schemaOf(raw)
  const record = JSON.stringify(schemaOf(successSchema(item, context.refs)))
  if (JSON.stringify(declared) === record || !isPlainObject(declared.properties)) return undefined
  const properties = Object.keys(declared.properties)
  if (properties.length === 0) return undefined
  const wrapper = properties.find(
    (name) => JSON.stringify(schemaOf((declared.properties as Record<string, unknown>)[name])) === record,
  )
  return wrapper === undefined ? { properties } : { properties, wrapper }
}
