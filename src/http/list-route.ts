import type { Context } from 'hono'
import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import type { ResourceDef } from '../core/manifest/model.ts'
import { findChildRelation } from '../core/query/embed.ts'
import type { ListQuery } from '../core/query/execute.ts'
import { executeListQuery, type ListResult } from '../core/query/execute.ts'
import { buildLinkHeader } from '../core/query/paging.ts'
import { checkParamCount, parseListQuery, type QueryParams } from '../core/query/parse-query.ts'
import { etagOf } from '../core/records.ts'
import type { RecordId } from '../core/store.ts'
import { relationsFor, requestScope, visibleRows } from './auth/request-access.ts'
import { type Responder, recordsJson } from './reply.ts'
import { etagMatches, requestHeader } from './request.ts'

/**
 * GET /name (or GET /parent/:id/name when `scope` is given): filters, q, sort, paging and relations
 * (docs/queries.md), with X-Total-Count always and a Link header when paged; `_page` with `_per_page`
 * answers json-server 1.0's envelope instead of a plain array. A weak ETag (listEtag, below) answers a matching
 * If-None-Match with 304 before the query runs.
 */
export function handleList(
  c: Context,
  engine: Engine,
  resource: ResourceDef,
  responder: Responder,
  scope?: NestedScope,
): Response {
  const url = c.req.url
  const params = queryPairs(url)
  const query = parseListQuery(params, resource, engine.manifest)
  const relations = relationsFor(c, engine)
  // owned rows: one user's list is not another's
  const etag = listEtag(engine, resource.name, query, url + requestScope(c))
  const ifNoneMatch = requestHeader(c, 'if-none-match')
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag.slice(2), true))
    return responder.empty(c, 304, { etag })
  const all = scope === undefined ? engine.list(resource.name) : undefined
  const rows = visibleRows(
    c,
    resource,
    all ?? engine.childrenOf(resource.name, scope!.field, scope!.parentId),
  )
  // only the stored collection itself (not a filtered copy) may cache its selections
  const result = executeListQuery(rows, query, relations, { stableRecords: rows === all })
  const headers: Record<string, string> = { 'x-total-count': String(result.total), etag }
  if (result.page !== undefined) {
    const question = url.indexOf('?')
    headers.link = buildLinkHeader(question === -1 ? url : url.slice(0, question), params, result.page)
  }
  const records = recordsJson(result.items)
  return responder.json(c, 200, result.envelope === true ? envelopeJson(result, records) : records, headers)
}

/** json-server 1.0's page envelope: `prev` / `next` are null at the ends, `items` counts every match. */
function envelopeJson(result: ListResult, data: string): string {
  const page = result.page?.page ?? 1
  const last = result.page?.last ?? 1
  const prev = page > 1 ? page - 1 : null
  const next = page < last ? page + 1 : null
  return `{"first":1,"prev":${prev},"next":${next},"last":${last},"pages":${last},"items":${result.total},"data":${data}}`
}

/** The query string as ordered pairs, repeated keys kept ("+" and %XX decoded like json-server). */
export function queryPairs(url: string): QueryParams {
  const question = url.indexOf('?')
  if (question === -1 || question === url.length - 1) return []
  const query = url.slice(question + 1)
  // refuse a flood of parameters before building them (URLSearchParams would decode every one)
  checkParamCount(countParams(query))
  return [...new URLSearchParams(query)]
}

function countParams(query: string): number {
  let count = 1
  for (let at = query.indexOf('&'); at !== -1; at = query.indexOf('&', at + 1)) count++
  return count
}

/** GET/POST /parent/:id/child: the child records are those whose `field` holds the parent's id. */
export interface NestedScope {
  field: string
  /** the parent's id as stored (its own type: POST sets the foreign key to exactly this) */
  parentId: RecordId
  /** a many-to-many field: POST adds the parent's id to the array */
  many?: true
}

/** Resolves /parent/:id/child; 404 when the child is not related to the parent or the parent does not exist. */
export function nestedScope(
  engine: Engine,
  parent: ResourceDef,
  id: string,
  childName: string,
): { child: ResourceDef; scope: NestedScope } {
  const base = engine.manifest.basePath
  if (parent.singleton) {
    throw new RestmockError('not_found', `${parent.name} is a singleton: use ${base}/${parent.name}`)
  }
  const child = engine.resource(childName)
  const relation =
    child === undefined ? undefined : findChildRelation(engine.manifest, parent.name, childName)
  if (child === undefined || relation === undefined) {
    const related = engine.manifest.relations.filter((r) => r.parent === parent.name).map((r) => r.child)
    const list = related.length === 0 ? 'none' : [...new Set(related)].join(', ')
    throw new RestmockError(
      'not_found',
      `${base}/${parent.name}/:id/${childName} does not exist: no ${childName} field refers to ${parent.name}; nested collections of ${parent.name}: ${list}`,
    )
  }
  const record = engine.get(parent.name, id as RecordId)
  const scope: NestedScope = { field: relation.field, parentId: record[parent.idField] as RecordId }
  if (relation.many === true) scope.many = true
  return { child, scope }
}

/** Tags from an earlier run of the server (versions restart at 0) never match this run's. */
const RUN = Math.round(performance.timeOrigin).toString(36)

/** Hashes of recent request URLs: a client polling a list asks for the same few URLs again and again. */
const urlHashes = new Map<string, string>()
/** at most this many URLs of at most this length are remembered (about 0.5 MB) */
const MAX_URLS = 1024
const MAX_URL_LENGTH = 512

function urlHash(url: string): string {
  let hash = urlHashes.get(url)
  if (hash === undefined) {
    hash = etagOf(`${RUN} ${url}`).slice(1, -1)
    if (url.length > MAX_URL_LENGTH) return hash
    if (urlHashes.size >= MAX_URLS) urlHashes.clear()
    urlHashes.set(url, hash)
  }
  return hash
}

/**
 * Weak ETag of a list response, without serializing or hashing the body: a hash of the request URL (path
 * and query, so the same query gets the same tag) followed by the write versions of the collection and of
 * every collection `_embed` / `_expand` reads. A write that changes any of them gives a new tag; a write
 * elsewhere leaves it alone. Weak, because equal tags promise the same records, not the same bytes.
 */
export function listEtag(engine: Engine, resource: string, query: ListQuery, url: string): string {
  let tag = `W/"${urlHash(url)}.${version(engine, resource)}`
  for (const embed of query.shape.embed) tag += `.${version(engine, embed.child)}`
  for (const expand of query.shape.expand) tag += `.${version(engine, expand.parent)}`
  return `${tag}"`
}

function version(engine: Engine, resource: string): string {
  return (engine.versionOf(resource) ?? 0).toString(36)
}
