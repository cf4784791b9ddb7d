import { securitySchemesFor } from '../auth/security-schemes.ts'
import type { Manifest } from '../manifest/model.ts'
import { findChildRelation } from '../query/embed.ts'
import { adminPaths } from './export-admin.ts'
import { OperationIds, resourceNamings } from './export-names.ts'
import { collectionPaths, nestedPaths, type OperationContext, singletonPaths } from './export-operations.ts'
import { resourceFiltersParameter, sharedParameters } from './export-parameters.ts'
import { sharedHeaders, sharedResponses } from './export-responses.ts'
import { bodySchema, type JsonObject, problemSchemas, recordSchema } from './export-schemas.ts'

export type OpenApiDocument = JsonObject

export interface OpenApiExportOptions {
  /** describe the admin API under /__restmock too (default false) */
  includeAdmin?: boolean
}

const DESCRIPTION =
  'A mock REST API served by restmock: stateful CRUD with validation. Lists take filters, full-text search, sorting, paging and related records; every error is RFC 9457 problem details (application/problem+json).'

/**
 * The OpenAPI 3.1 document of everything a manifest serves: the collections with their items, the
 * singletons, the nested collections of every relation, their query parameters, request and response
 * schemas, headers and problem responses. What OpenAPI cannot say (faker methods, refs, counts,
 * simulation policies, ...) is kept under `x-restmock`, so the manifest can be rebuilt from it.
 */
export function exportOpenApi(manifest: Manifest, options: OpenApiExportOptions = {}): OpenApiDocument {
  const namings = resourceNamings(manifest)
  const routes = manifest.routes ?? {}
  const landed = new Set<string>()
  const context: OperationContext = {
    manifest,
    namings,
    ids: new OperationIds(),
    takeRoutePolicy(key) {
      if (!Object.hasOwn(routes, key)) return undefined
      landed.add(key)
      return routes[key]
    },
  }

  const paths: Record<string, JsonObject> = {}
  const schemas: Record<string, JsonObject> = {}
  const parameters = sharedParameters()
  const resources = Object.values(manifest.resources)
  for (const resource of resources) {
    const { schema } = namings.get(resource.name)!
    schemas[schema] = recordSchema(resource)
    schemas[`${schema}Input`] = bodySchema(resource, 'input')
    schemas[`${schema}Patch`] = bodySchema(resource, 'patch')
    if (!resource.singleton) parameters[`${schema}Filters`] = resourceFiltersParameter(resource, manifest)
    Object.assign(
      paths,
      resource.singleton ? singletonPaths(resource, context) : collectionPaths(resource, context),
    )
    for (const child of nestedChildren(manifest, resource.name)) {
      const relation = findChildRelation(manifest, resource.name, child)!
      Object.assign(paths, nestedPaths(resource, manifest.resources[child]!, relation.field, context))
    }
  }
  if (options.includeAdmin === true) Object.assign(paths, adminPaths(context.ids))
  Object.assign(schemas, problemSchemas())

  const tags: JsonObject[] = resources.map((resource) => ({ name: resource.name }))
  if (options.includeAdmin === true)
    tags.push({ name: 'admin', description: 'The mock itself (/__restmock)' })

  const components: JsonObject = {
    schemas,
    parameters,
    headers: sharedHeaders(),
    responses: sharedResponses(manifest.auth !== undefined),
  }
  const securitySchemes = securitySchemesFor(manifest)
  if (securitySchemes !== undefined) components.securitySchemes = securitySchemes
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: manifest.name, version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: manifest.basePath === '' ? '/' : manifest.basePath }],
    tags,
    paths,
    components,
  }
  const extension = documentExtension(manifest, routes, landed)
  if (extension !== undefined) document['x-restmock'] = extension
  return document
}

/** The collections served under `/<parent>/{id}/`, once each, in the order of the relations. */
function nestedChildren(manifest: Manifest, parent: string): string[] {
  if (manifest.resources[parent]?.singleton !== false) return []
  const children: string[] = []
  for (const relation of manifest.relations) {
    if (relation.parent !== parent || children.includes(relation.child)) continue
    if (manifest.resources[relation.child]?.singleton === false) children.push(relation.child)
  }
  return children
}

/** The manifest-level keys OpenAPI cannot hold, only those that are set; route policies not on an operation. */
function documentExtension(
  manifest: Manifest,
  routes: Readonly<Record<string, unknown>>,
  landed: ReadonlySet<string>,
): JsonObject | undefined {
  const extension: JsonObject = {}
  if (manifest.seed !== undefined) extension.seed = manifest.seed
  if (manifest.locale !== undefined) extension.locale = manifest.locale
  if (manifest.simulate !== undefined) extension.simulate = manifest.simulate
  const rest = Object.entries(routes).filter(([key]) => !landed.has(key))
  if (rest.length > 0) extension.routes = Object.fromEntries(rest)
  if (manifest.data !== undefined) extension.data = manifest.data
  if (manifest.extensions !== undefined) extension.extensions = [...manifest.extensions]
  return Object.keys(extension).length === 0 ? undefined : extension
}

/** The document as the CLI writes it and GET /__restmock/openapi.json answers it: indented JSON. */
export function openApiJson(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`
}
