import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import type { DocumentRefs } from './document-refs.ts'
import { type JsonSchema, jsonSchemaOf, type SchemaContext } from './import-schema.ts'
import {
  type DocumentOperation,
  jsonMedia,
  mediaExample,
  requestBodyOf,
  successResponses,
} from './openapi-paths.ts'
import type { SecurityAlternatives } from './security-rules.ts'

export type ParameterPlace = 'path' | 'query' | 'header'

/** One declared parameter, with the JSON Schema its (coerced) value must satisfy. */
export interface ParameterRule {
  name: string
  in: ParameterPlace
  required: boolean
  schema: JsonSchema
}

/** The answer of an operation: its status, and its body (the example, or generated at startup). */
export interface OperationAnswer {
  status: number
  /** absent: no body */
  body?: unknown
  /** the media type the body is sent as */
  contentType?: string
}

/** An operation the engine does not serve: validated against the document and answered from it. */
export interface StatelessOperation {
  method: string
  /** the document's path template (without basePath) */
  path: string
  operationId?: string
  /** JSON pointer of the operation in the document, for messages */
  pointer: string
  parameters: ParameterRule[]
  body?: {
    required: boolean
    /** absent: any body of an accepted media type */
    schema?: JsonSchema
    /** the declared media types (application/json, application/x-www-form-urlencoded, ...) */
    mediaTypes: string[]
  }
  answer: OperationAnswer
  /** the response schema (with annotations), for a seeded answer when the document has no example */
  answerSchema?: JsonSchema
  /** the credentials the operation requires (any one alternative) */
  security?: SecurityAlternatives
  /** its schemes map onto the auth simulation: a credential it accepts, holding these scopes */
  authScopes?: string[]
}

/** What restmock makes of an operation the engine does not serve (before answers are generated). */
export function statelessOperation(operation: DocumentOperation, context: SchemaContext): StatelessOperation {
  const { refs } = context
  const parameters: ParameterRule[] = []
  for (const parameter of operation.parameters) {
    const place = parameter.in
    if (place !== 'path' && place !== 'query' && place !== 'header') continue
    if (typeof parameter.name !== 'string') continue
    // Accept, Content-Type and Authorization are described by other means (OpenAPI 3 ignores them here)
    if (place === 'header' && /^(accept|content-type|authorization)$/i.test(parameter.name)) continue
    parameters.push({
      name: parameter.name,
      in: place,
      required: place === 'path' || parameter.required === true,
      schema: jsonSchemaOf(parameterSchema(parameter), context, { direction: 'request' }),
    })
  }
  const result: StatelessOperation = {
    method: operation.method,
    path: operation.path,
    pointer: operation.pointer,
    parameters,
    answer: { status: operation.method === 'POST' ? 201 : 200 },
  }
  if (typeof operation.operation.operationId === 'string')
    result.operationId = operation.operation.operationId
  const body = requestBodyOf(operation, refs)
  if (body !== undefined && isPlainObject(body.content)) {
    const mediaTypes = Object.keys(body.content)
    const media =
      jsonMedia(body.content)?.media ??
      Object.values(body.content).find(
        (value): value is PlainObject => isPlainObject(value) && value.schema !== undefined,
      )
    result.body = { required: body.required === true, mediaTypes }
    if (media?.schema !== undefined)
      result.body.schema = jsonSchemaOf(media.schema, context, { direction: 'request' })
  }
  chooseAnswer(operation, refs, context, result)
  return result
}

function parameterSchema(parameter: PlainObject): unknown {
  if (parameter.schema !== undefined) return parameter.schema
  // `content` parameters: the schema of their one media type
  if (isPlainObject(parameter.content)) {
    const media = Object.values(parameter.content)[0]
    if (isPlainObject(media)) return media.schema
  }
  return undefined
}

/** The lowest declared success status, with its example (or schema to generate from). */
function chooseAnswer(
  operation: DocumentOperation,
  refs: DocumentRefs,
  context: SchemaContext,
  result: StatelessOperation,
): void {
  const [first] = successResponses(operation, refs)
  if (first === undefined) return
  result.answer.status = first.status
  if (first.status === 204 || first.status === 205 || !isPlainObject(first.response.content)) return
  const json = jsonMedia(first.response.content)
  const entries = Object.entries(first.response.content).filter(([, media]) => isPlainObject(media)) as [
    string,
    PlainObject,
  ][]
  const [type, media] = json === undefined ? (entries[0] ?? []) : [json.type, json.media]
  if (type === undefined || media === undefined) return
  result.answer.contentType = /^\*\/\*|^application\/\*$/.test(type) ? 'application/json' : type
  const example = mediaExample(media, refs)
  if (example !== undefined) {
    result.answer.body = example.value
    return
  }
  if (media.schema !== undefined)
    result.answerSchema = jsonSchemaOf(media.schema, context, { direction: 'response', annotations: true })
}
