import { operationSecurity } from '../auth/security-schemes.ts'
import type { Manifest, ResourceDef } from '../manifest/model.ts'
import { isStrict } from '../query/parse-query.ts'
import { type OperationIds, type ResourceNaming, withArticle } from './export-names.ts'
import { idParameter, listParameters, relationParameters } from './export-parameters.ts'
import {
  DEFAULT_PROBLEM,
  jsonResponse,
  noContent,
  type ProblemStatus,
  pageEnvelope,
  problem,
} from './export-responses.ts'
import { type JsonObject, schemaRef } from './export-schemas.ts'

/** What every operation of one document is built with. */
export interface OperationContext {
  manifest: Manifest
  namings: ReadonlyMap<string, ResourceNaming>
  ids: OperationIds
  /** the manifest's `routes` policy of "METHOD /path" (path relative to basePath), taken once */
  takeRoutePolicy(key: string): unknown
}

const parameterRef = (name: string): JsonObject => ({ $ref: `#/components/parameters/${name}` })

interface OperationSpec {
  id: string
  summary: string
  tag: string
  routeKey: string
  parameters?: JsonObject[]
  body?: JsonObject
  responses: Record<string, JsonObject>
  problems: readonly ProblemStatus[]
}

function operation(spec: OperationSpec, context: OperationContext): JsonObject {
  const responses: Record<string, JsonObject> = { ...spec.responses }
  const resource = context.manifest.resources[spec.tag]
  const method = spec.routeKey.split(' ', 1)[0]!
  const security = resource === undefined ? undefined : operationSecurity(context.manifest, resource, method)
  const problems = [...spec.problems]
  if (security !== undefined && security.length > 0) problems.push('401', '403')
  for (const status of problems.sort()) responses[status] = problem(status)
  responses.default = DEFAULT_PROBLEM
  const result: JsonObject = {
    operationId: context.ids.take(spec.id),
    summary: spec.summary,
    tags: [spec.tag],
  }
  if (security !== undefined) result.security = security
  if (spec.parameters !== undefined && spec.parameters.length > 0) result.parameters = spec.parameters
  if (spec.body !== undefined) result.requestBody = spec.body
  result.responses = responses
  const simulate = context.takeRoutePolicy(spec.routeKey)
  if (simulate !== undefined) result['x-restmock'] = { simulate }
  return result
}

function body(schema: string, patch: boolean): JsonObject {
  const content: JsonObject = { 'application/json': { schema: schemaRef(schema) } }
  if (patch) content['application/merge-patch+json'] = { schema: schemaRef(schema) }
  return { required: true, content }
}

/**
 * Validation problems where there are field rules to break, and on every POST: an Idempotency-Key
 * sent again with another body is a 422 too.
 */
function writeProblems(resource: ResourceDef, post: boolean, ...more: ProblemStatus[]): ProblemStatus[] {
  const statuses: ProblemStatus[] = ['400', ...more, '413', '415']
  if (post || resource.fields !== undefined) statuses.push('422')
  return statuses.sort()
}

/** `GET` and `POST /<name>`, then `GET`, `PUT`, `PATCH` and `DELETE /<name>/{id}`. */
export function collectionPaths(
  resource: ResourceDef,
  context: OperationContext,
): Record<string, JsonObject> {
  const naming = context.namings.get(resource.name)!
  const { schema, plural, one, many } = naming
  const name = resource.name
  const record = schemaRef(schema)
  const tag = name
  const listPath = `/${name}`
  const itemPath = `/${name}/{id}`
  const written = (status: string, what: string, headers: string[]): Record<string, JsonObject> => ({
    [status]: jsonResponse(what, record, ['ETag', ...headers]),
    '204': noContent('`Prefer: return=minimal`: no body', ['ETag', 'Preference-Applied', ...headers]),
  })
  const zeroConfig = context.manifest.zeroConfig
  return {
    [listPath]: {
      get: operation(
        {
          id: `list${plural}`,
          summary: `List ${many}`,
          tag,
          routeKey: `GET ${listPath}`,
          parameters: listParameters(resource, context.manifest, schema),
          responses: listResponses(naming, record),
          problems: ['400'],
        },
        context,
      ),
      post: operation(
        {
          id: `create${schema}`,
          summary: `Create ${withArticle(one)}`,
          tag,
          routeKey: `POST ${listPath}`,
          parameters: [parameterRef('prefer'), parameterRef('idempotencyKey')],
          body: body(`${schema}Input`, false),
          responses: written('201', `The created ${one}`, ['Location']),
          problems: writeProblems(resource, true, '409'),
        },
        context,
      ),
    },
    [itemPath]: {
      parameters: [idParameter(resource)],
      get: operation(
        {
          id: `get${schema}`,
          summary: `Get ${withArticle(one)}`,
          tag,
          routeKey: `GET ${listPath}/:id`,
          parameters: [
            ...relationParameters(resource, context.manifest, isStrict(resource, context.manifest)),
            parameterRef('ifNoneMatch'),
          ],
          responses: {
            '200': jsonResponse(`The ${one}`, record, ['ETag']),
            '304': { $ref: '#/components/responses/NotModified' },
          },
          problems: ['400', '404'],
        },
        context,
      ),
      put: operation(
        {
          id: `replace${schema}`,
          summary: `Replace ${withArticle(one)}`,
          tag,
          routeKey: `PUT ${listPath}/:id`,
          parameters: [parameterRef('ifMatch'), parameterRef('prefer')],
          body: body(`${schema}Input`, false),
          responses: written('200', `The replaced ${one}`, []),
          problems: writeProblems(resource, false, '404', '409', '412'),
        },
        context,
      ),
      patch: operation(
        {
          id: `update${schema}`,
          summary: `Update ${withArticle(one)} (merge patch)`,
          tag,
          routeKey: `PATCH ${listPath}/:id`,
          parameters: [parameterRef('ifMatch'), parameterRef('prefer')],
          body: body(`${schema}Patch`, true),
          responses: written('200', `The updated ${one}`, []),
          problems: writeProblems(resource, false, '404', '409', '412'),
        },
        context,
      ),
      delete: operation(
        {
          id: `delete${schema}`,
          summary: `Delete ${withArticle(one)}`,
          tag,
          routeKey: `DELETE ${listPath}/:id`,
          parameters: [parameterRef('ifMatch'), parameterRef('prefer')],
          responses: zeroConfig
            ? {
                '200': jsonResponse(
                  `The deleted ${one} (records holding its id are deleted with it)`,
                  record,
                  [],
                ),
                '204': noContent('`Prefer: return=minimal`: deleted, no body', ['Preference-Applied']),
              }
            : {
                '200': jsonResponse(`\`Prefer: return=representation\`: the deleted ${one}`, record, [
                  'Preference-Applied',
                ]),
                '204': noContent(`Deleted; the onDelete rule of every reference to it applied`, []),
              },
          problems: ['404', '409', '412'],
        },
        context,
      ),
    },
  }
}

function listResponses(naming: ResourceNaming, record: JsonObject): Record<string, JsonObject> {
  return {
    '200': jsonResponse(
      `The matching ${naming.many}: an array, or the page envelope for \`_page\` with \`_per_page\``,
      { oneOf: [{ type: 'array', items: record }, pageEnvelope(record)] },
      ['X-Total-Count', 'Link'],
    ),
  }
}

/** `GET`, `PUT` and `PATCH /<name>` of a singleton. */
export function singletonPaths(resource: ResourceDef, context: OperationContext): Record<string, JsonObject> {
  const { schema, one } = context.namings.get(resource.name)!
  const record = schemaRef(schema)
  const path = `/${resource.name}`
  const tag = resource.name
  const written = (what: string): Record<string, JsonObject> => ({
    '200': jsonResponse(what, record, ['ETag']),
    '204': noContent('`Prefer: return=minimal`: no body', ['ETag', 'Preference-Applied']),
  })
  return {
    [path]: {
      get: operation(
        {
          id: `get${schema}`,
          summary: `Get ${one}`,
          tag,
          routeKey: `GET ${path}`,
          parameters: [parameterRef('ifNoneMatch')],
          responses: {
            '200': jsonResponse(`The ${one}`, record, ['ETag']),
            '304': { $ref: '#/components/responses/NotModified' },
          },
          problems: [],
        },
        context,
      ),
      put: operation(
        {
          id: `replace${schema}`,
          summary: `Replace ${one}`,
          tag,
          routeKey: `PUT ${path}`,
          parameters: [parameterRef('ifMatch'), parameterRef('prefer')],
          body: body(`${schema}Input`, false),
          responses: written(`The replaced ${one}`),
          problems: writeProblems(resource, false, '412'),
        },
        context,
      ),
      patch: operation(
        {
          id: `update${schema}`,
          summary: `Update ${one} (merge patch)`,
          tag,
          routeKey: `PATCH ${path}`,
          parameters: [parameterRef('ifMatch'), parameterRef('prefer')],
          body: body(`${schema}Patch`, true),
          responses: written(`The updated ${one}`),
          problems: writeProblems(resource, false, '412'),
        },
        context,
      ),
    },
  }
}

/** `GET` and `POST /<parent>/{id}/<child>`: the child records whose foreign key holds the parent's id. */
export function nestedPaths(
  parent: ResourceDef,
  child: ResourceDef,
  field: string,
  context: OperationContext,
): Record<string, JsonObject> {
  const parentNaming = context.namings.get(parent.name)!
  const naming = context.namings.get(child.name)!
  const path = `/${parent.name}/{id}/${child.name}`
  const routeKey = `/${parent.name}/:id/${child.name}`
  const of = withArticle(parentNaming.one)
  return {
    [path]: {
      parameters: [idParameter(parent)],
      get: operation(
        {
          id: `list${naming.plural}Of${parentNaming.schema}`,
          summary: `List the ${naming.many} of ${of}`,
          tag: child.name,
          routeKey: `GET ${routeKey}`,
          parameters: listParameters(child, context.manifest, naming.schema),
          responses: listResponses(naming, schemaRef(naming.schema)),
          problems: ['400', '404'],
        },
        context,
      ),
      post: operation(
        {
          id: `create${naming.schema}Of${parentNaming.schema}`,
          summary: `Create ${withArticle(naming.one)} of ${of} (${field} is set from the URL)`,
          tag: child.name,
          routeKey: `POST ${routeKey}`,
          parameters: [parameterRef('prefer'), parameterRef('idempotencyKey')],
          body: body(`${naming.schema}Input`, false),
          responses: {
            '201': jsonResponse(`The created ${naming.one}`, schemaRef(naming.schema), ['ETag', 'Location']),
            '204': noContent('`Prefer: return=minimal`: no body', ['ETag', 'Location', 'Preference-Applied']),
          },
          problems: writeProblems(child, true, '404', '409'),
        },
        context,
      ),
    },
  }
}
