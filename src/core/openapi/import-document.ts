import { ConfigError } from '../errors.ts'
import type { Manifest } from '../manifest/model.ts'
import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import { compileResourceValidator } from '../schema.ts'
import { openApiVersion } from './detect-openapi.ts'
import { DocumentRefs, unresolvedRefs } from './document-refs.ts'
import { type ImportedResource, importResources } from './import-resources.ts'
import type { SchemaContext } from './import-schema.ts'
import { type DocumentOperation, documentOperations } from './openapi-paths.ts'
import type { ResourceShape } from './response-shapes.ts'
import { schemaIssues } from './schema-issues.ts'
import { type ImportedAuth, importedAuth } from './security-auth.ts'
import { credentialHint, type SecurityAlternatives, securityOf } from './security-rules.ts'
import { type StatelessOperation, statelessOperation } from './stateless-operations.ts'

/** A document read into restmock's terms: the manifest a user would write, and what it cannot say. */
export interface ImportedDocument {
  /** the manifest as a user would write it (validated by the caller, like any manifest) */
  manifest: PlainObject
  /** seed records from the document's examples, keyed by resource (ids mapped to `id`) */
  data: Record<string, PlainObject[]>
  resources: ImportedResource[]
  operations: DocumentOperation[]
  context: SchemaContext
  /** the document's security schemes as the auth simulation (undefined: none maps) */
  auth?: ImportedAuth
}

/** How each operation of a document is served. */
export interface ListedOperation {
  method: string
  path: string
  /** `resource pets` (the engine) or `example` / `generated` / `no body` (stateless) */
  servedBy: string
}

/** What serving a document adds to its manifest's resources. */
export interface OpenApiRoutes {
  /** operations answered from the document (validated, then its example or a generated body) */
  operations: StatelessOperation[]
  /** document collection paths the engine serves under another path (/store/order -> /order) */
  aliases: { from: string; to: string }[]
  /** one line per operation of the document, in document order */
  listing: ListedOperation[]
  /** resource routes that require credentials (engine paths, such as /pet/:id) */
  guards: { method: string; path: string; security: SecurityAlternatives }[]
  /** the security schemes operations require, with how to satisfy each, for the startup listing */
  credentials: { scheme: string; hint: string }[]
  /** resources whose document declares other answers than restmock's (create status, list envelope) */
  shapes: ResourceShape[]
  /** the body of an operation without an example, from its response schema (the server layer sets it) */
  generate?: (operation: StatelessOperation) => unknown
}

/**
 * Read an OpenAPI 3.0/3.1 document (external refs already merged in, local refs kept): resources from
 * its CRUD-shaped paths, and everything the manifest cannot say. Throws a ConfigError locating every
 * problem (unresolved `$ref`, invalid schema) by JSON pointer.
 */
export function importOpenApi(document: PlainObject, source: string): ImportedDocument {
  const version = openApiVersion(document, source)
  const refs = new DocumentRefs(document)
  const broken = unresolvedRefs(refs)
  if (broken.length > 0)
    throw new ConfigError(`${source} has ${plural(broken.length, 'unresolved $ref')}:`, broken, source)
  const invalid = schemaIssues(document)
  if (invalid.length > 0)
    throw new ConfigError(`${source} has ${plural(invalid.length, 'invalid schema')}:`, invalid, source)
  const context: SchemaContext = { refs, version }
  const operations = documentOperations(document, refs)
  const resources = importResources(operations, context)
  const manifest: PlainObject = {}
  const info = isPlainObject(document.info) ? document.info : {}
  manifest.name = typeof info.title === 'string' && info.title !== '' ? info.title : 'restmock'
  const basePath = basePathOf(document.servers)
  if (basePath !== '') manifest.basePath = basePath
  const extension = isPlainObject(document['x-restmock']) ? document['x-restmock'] : {}
  for (const key of ['data', 'seed', 'locale', 'simulate', 'extensions'] as const)
    if (extension[key] !== undefined) manifest[key] = extension[key]
  const routes: PlainObject = isPlainObject(extension.routes) ? { ...extension.routes } : {}
  for (const resource of resources) {
    for (const operation of operations) {
      const simulate = isPlainObject(operation.operation['x-restmock'])
        ? operation.operation['x-restmock'].simulate
        : undefined
      const key = `${operation.method} ${operation.path}`
      if (simulate !== undefined && resource.covered.includes(key))
        routes[`${operation.method} ${enginePath(resource, operation.path)}`] = simulate
    }
  }
  if (Object.keys(routes).length > 0) manifest.routes = routes
  manifest.resources = Object.fromEntries(resources.map((resource) => [resource.name, resource.definition]))
  // the document's security schemes, as the auth simulation with demo credentials
  const security = importedAuth(document, refs, resources, operations)
  if (security !== undefined) {
    manifest.auth = security.auth
    for (const [name, rule] of security.resources)
      (manifest.resources as Record<string, PlainObject>)[name]!.auth = rule
  }
  const data: Record<string, PlainObject[]> = {}
  for (const resource of resources) {
    if (resource.examples.length > 0)
      data[resource.name] = resource.examples.map((e) => storedExample(resource, e))
  }
  const result: ImportedDocument = { manifest, data, resources, operations, context }
  if (security !== undefined) result.auth = security
  return result
}

/** The engine's path for a document path of a resource: /store/order/{orderId} -> /order/:id. */
function enginePath(resource: ImportedResource, path: string): string {
  if (path === resource.collectionPath) return `/${resource.name}`
  if (path === resource.itemPath) return `/${resource.name}/:id`
  return path.replace(/\{([^}]+)\}/g, ':$1')
}

function storedExample(resource: ImportedResource, example: PlainObject): PlainObject {
  const record = { ...example }
  if (resource.definition.singleton === true) {
    delete record.id
    return record
  }
  if (resource.definition.timestamps === true) {
    delete record.createdAt
    delete record.updatedAt
  }
  return record
}

/**
 * The examples that fit the validated manifest: a record breaking its resource's rules, repeating an id,
 * or pointing at a record no example holds is left out (generated records take its place).
 */
export function usableExamples(
  manifest: Manifest,
  data: Record<string, PlainObject[]>,
): Record<string, unknown> {
  const kept: Record<string, PlainObject[]> = {}
  for (const [name, records] of Object.entries(data)) {
    const resource = manifest.resources[name]
    if (resource === undefined) continue
    const validate = compileResourceValidator(resource, 'stored')
    const ids = new Set<unknown>()
    kept[name] = records.filter((record) => {
      if (!resource.singleton && (record.id === undefined || ids.has(record.id))) return false
      ids.add(record.id)
      return validate(record).length === 0
    })
  }
  // refs only to kept records: an optional ref to a record no example holds is left out, a required one
  // leaves its record out; repeated until nothing changes (a dropped parent drops its children)
  for (let changed = true; changed; ) {
    changed = false
    for (const relation of manifest.relations) {
      const parents = new Set((kept[relation.parent] ?? []).map((record) => record.id))
      const children = kept[relation.child]
      if (children === undefined) continue
      const required = manifest.resources[relation.child]?.fields?.[relation.field]?.required === true
      const fitting: PlainObject[] = []
      for (const record of children) {
        const value = record[relation.field]
        const fits =
          value === undefined ||
          value === null ||
          (Array.isArray(value) ? value : [value]).every((id) => parents.has(id))
        if (fits) fitting.push(record)
        else if (!required) {
          const { [relation.field]: _dropped, ...rest } = record
          fitting.push(rest)
        }
      }
      if (fitting.length !== children.length) changed = true
      kept[relation.child] = fitting
    }
  }
  const result: Record<string, unknown> = {}
  for (const [name, records] of Object.entries(kept)) {
    if (records.length === 0) continue
    result[name] = manifest.resources[name]!.singleton ? records[0] : records
  }
  return result
}

/**
 * The routes a manifest's resources leave to the document: every operation not served by one of
 * `served` (the manifest's resource names), answered statelessly, plus the startup listing.
 */
export function openApiRoutes(imported: ImportedDocument, served: ReadonlySet<string>): OpenApiRoutes {
  const covered = new Map<string, string>()
  const aliases: OpenApiRoutes['aliases'] = []
  const shapes: ResourceShape[] = []
  const guards: OpenApiRoutes['guards'] = []
  const credentials: OpenApiRoutes['credentials'] = []
  for (const resource of imported.resources) {
    if (!served.has(resource.name)) continue
    if (resource.shape !== undefined) shapes.push(resource.shape)
    for (const key of resource.covered) covered.set(key, resource.name)
    if (resource.collectionPath !== `/${resource.name}`)
      aliases.push({ from: resource.collectionPath, to: `/${resource.name}` })
  }
  const operations: StatelessOperation[] = []
  const listing: ListedOperation[] = []
  for (const operation of imported.operations) {
    const key = `${operation.method} ${operation.path}`
    const resource = covered.get(key)
    const security = securityOf(operation, imported.context.refs.document, imported.context.refs)
    for (const rule of (security ?? []).flat())
      if (!credentials.some((c) => c.scheme === rule.scheme))
        credentials.push({
          scheme: rule.scheme,
          hint: credentialHint(rule, isPlainObject(imported.manifest.auth)),
        })
    if (resource !== undefined) {
      listing.push({ method: operation.method, path: operation.path, servedBy: `resource ${resource}` })
      const served = imported.resources.find((r) => r.name === resource)!
      // a requirement the auth simulation takes over is its to check (and `--auth off` turns it off)
      if (security !== undefined && imported.auth?.scopesOf(operation) === undefined)
        guards.push({ method: operation.method, path: enginePath(served, operation.path), security })
      continue
    }
    const stateless = statelessOperation(operation, imported.context)
    if (security !== undefined) stateless.security = security
    const authScopes = imported.auth?.scopesOf(operation)
    if (authScopes !== undefined) stateless.authScopes = authScopes
    operations.push(stateless)
    const servedBy =
      stateless.answer.body !== undefined
        ? 'example'
        : stateless.answerSchema !== undefined
          ? 'generated'
          : 'no body'
    listing.push({ method: operation.method, path: operation.path, servedBy })
  }
  return { operations, aliases, listing, shapes, guards, credentials }
}

/** The path of the first server URL (server variables at their defaults), or '' for none or `/`. */
export function basePathOf(servers: unknown): string {
  if (!Array.isArray(servers) || !isPlainObject(servers[0])) return ''
  const server = servers[0]
  if (typeof server.url !== 'string') return ''
  const variables = isPlainObject(server.variables) ? server.variables : {}
  const url = server.url.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const variable = variables[name]
    return isPlainObject(variable) && variable.default !== undefined ? String(variable.default) : ''
  })
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') : url
  const clean = path.split(/[?#]/, 1)[0]!.replace(/\/+$/, '')
  return clean.startsWith('/') ? clean : clean === '' ? '' : `/${clean}`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
