import type { Context, Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import type { ResourceDef } from '../core/manifest/model.ts'
import { shapeItem } from '../core/query/execute.ts'
import { parseItemQuery } from '../core/query/parse-query.ts'
import { recordText, representationOf, requestedPatchStyle } from '../core/records.ts'
import type { Rec, RecordId } from '../core/store.ts'
import { ownedBody, ownedRecord, relationsFor, requestScope, rowAccessOf } from './auth/request-access.ts'
import { readJsonObject } from './body.ts'
import { optionsHeaders } from './cors.ts'
import { canonicalJson, IdempotencyCache } from './idempotency.ts'
import { handleList, type NestedScope, nestedScope, queryPairs } from './list-route.ts'
import type { Responder } from './reply.ts'
import { etagMatches, preferredReturn, requestHeader } from './request.ts'

export interface ResourceRouteOptions {
  engine: Engine
  bodyLimit: number
  responder: Responder
  /** aborts when the app is retired: its hold on the engine (replacement listeners) is released */
  signal?: AbortSignal
  /** the state a request works on when it is not the shared one (a session's), from the request's env */
  scopeOf?: (env: unknown) => RouteScope | undefined
}

/** A state of its own: its engine and its Idempotency-Key cache. */
export interface RouteScope {
  engine: Engine
  idempotency: IdempotencyCache
}

const COLLECTION_ALLOW = 'GET, HEAD, POST, OPTIONS'
const ITEM_ALLOW = 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS'
const SINGLETON_ALLOW = 'GET, HEAD, PUT, PATCH, OPTIONS'

/** Registers `<basePath>/:name` and `<basePath>/:name/:id` for every resource of the manifest. */
export function registerResourceRoutes(app: Hono, options: ResourceRouteOptions): void {
  const { engine } = options
  const base = engine.manifest.basePath
  const idempotency = new IdempotencyCache()
  // a replayed answer must not outlive the state it describes
  engine.onReplaced(() => idempotency.clear(), options.signal)
  const shared = { options, idempotency }
  const scoped = (c: Context): { options: ResourceRouteOptions; idempotency: IdempotencyCache } => {
    const scope = options.scopeOf?.(c.env)
    if (scope === undefined) return shared
    return { options: { ...options, engine: scope.engine }, idempotency: scope.idempotency }
  }

  app.all(`${base}/:name`, (c) => {
    const { options, idempotency } = scoped(c)
    const resource = resourceOrNotFound(options.engine, c.req.param('name'))
    return resource.singleton
      ? singletonRoute(c, resource, options)
      : collectionRoute(c, resource, options, idempotency)
  })
  app.all(`${base}/:name/:id`, (c) => {
    const { options } = scoped(c)
    const resource = resourceOrNotFound(options.engine, c.req.param('name'))
    if (resource.singleton)
      throw new RestmockError('not_found', `${resource.name} is a singleton: use ${base}/${resource.name}`)
    return itemRoute(c, resource, c.req.param('id'), options)
  })
  app.all(`${base}/:name/:id/:child`, (c) => {
    const { options, idempotency } = scoped(c)
    const parent = resourceOrNotFound(options.engine, c.req.param('name'))
    const { child, scope } = nestedScope(options.engine, parent, c.req.param('id'), c.req.param('child'))
    if (rowAccessOf(c) !== undefined) ownedRecord(c, parent, options.engine.get(parent.name, scope.parentId))
    return collectionRoute(c, child, options, idempotency, scope)
  })
}

function resourceOrNotFound(engine: Engine, name: string): ResourceDef {
  const resource = engine.resource(name)
  if (resource === undefined) throw new RestmockError('not_found', `there is no resource named "${name}"`)
  return resource
}

/** 204 with `Allow` (and the CORS preflight grant when CORS is on). */
function optionsAnswer(c: Context, allow: string, responder: Responder): Response {
  return responder.empty(c, 204, optionsHeaders(allow, c, responder.corsEnabled))
}

function methodNotAllowed(method: string, allow: string): RestmockError {
  return new RestmockError('method_not_allowed', `${method} is not allowed here; allowed: ${allow}`, {
    headers: { allow },
  })
}

// Reads answer synchronously (no promise), which keeps @hono/node-server on its fastest path.
function collectionRoute(
  c: Context,
  resource: ResourceDef,
  options: ResourceRouteOptions,
  idempotency: IdempotencyCache,
  scope?: NestedScope,
): Response | Promise<Response> {
  switch (c.req.method) {
    case 'GET':
    case 'HEAD':
      return handleList(c, options.engine, resource, options.responder, scope)
    case 'POST':
      return postToCollection(c, resource, options, idempotency, scope)
    case 'OPTIONS':
      return optionsAnswer(c, COLLECTION_ALLOW, options.responder)
    default:
      throw methodNotAllowed(c.req.method, COLLECTION_ALLOW)
  }
}

/** The parent's id, or for a many-to-many field the sent ids with the parent's id added. */
function scopedValue(scope: NestedScope, sent: unknown): unknown {
  if (scope.many !== true) return scope.parentId
  const ids = Array.isArray(sent) ? sent : []
  return ids.some((id) => String(id) === String(scope.parentId)) ? ids : [...ids, scope.parentId]
}

async function postToCollection(
  c: Context,
  resource: ResourceDef,
  options: ResourceRouteOptions,
  idempotency: IdempotencyCache,
  scope: NestedScope | undefined,
): Promise<Response> {
  const sent = await readJsonObject(c, options.bodyLimit)
  // POST /parent/:id/child: the URL names the parent, whatever the body says
  const body = ownedBody(
    c,
    resource,
    scope === undefined ? sent : { ...sent, [scope.field]: scopedValue(scope, sent[scope.field]) },
  )
  const key = requestHeader(c, 'idempotency-key')
  if (key === undefined) return create(c, resource, body, options)
  const cacheKey = `${c.req.path}\u0000${key}${requestScope(c)}`
  const fingerprint = canonicalJson(body)
  const replay = idempotency.begin(cacheKey, fingerprint, options.responder.cors(c))
  if (replay !== undefined) return replay
  try {
    const response = await create(c, resource, body, options)
    await idempotency.complete(cacheKey, fingerprint, response)
    return response
  } catch (error) {
    idempotency.abandon(cacheKey)
    throw error
  }
}

async function create(
  c: Context,
  resource: ResourceDef,
  body: Record<string, unknown>,
  options: ResourceRouteOptions,
): Promise<Response> {
  const record = await options.engine.create(resource.name, body)
  const id = String(record[resource.idField])
  const location = `${options.engine.manifest.basePath}/${resource.name}/${encodeURIComponent(id)}`
  return written(c, options.responder, record, 201, { location })
}

function itemRoute(
  c: Context,
  resource: ResourceDef,
  id: string,
  options: ResourceRouteOptions,
): Response | Promise<Response> {
  const { engine } = options
  switch (c.req.method) {
    case 'GET':
    case 'HEAD': {
      const shape = parseItemQuery(queryPairs(c.req.url), resource, engine.manifest)
      const record = ownedRecord(c, resource, engine.get(resource.name, id))
      return representation(c, options.responder, shapeItem(record, shape, relationsFor(c, engine)))
    }
    case 'PUT':
    case 'PATCH':
      return writeItem(c, resource, id, options)
    case 'DELETE':
      return deleteItem(c, resource, id, options)
    case 'OPTIONS':
      return optionsAnswer(c, ITEM_ALLOW, options.responder)
    default:
      throw methodNotAllowed(c.req.method, ITEM_ALLOW)
  }
}

function singletonRoute(
  c: Context,
  resource: ResourceDef,
  options: ResourceRouteOptions,
): Response | Promise<Response> {
  const { engine } = options
  switch (c.req.method) {
    case 'GET':
    case 'HEAD':
      return representation(c, options.responder, engine.getSingleton(resource.name))
    case 'PUT':
    case 'PATCH':
      return writeSingleton(c, resource, options)
    case 'OPTIONS':
      return optionsAnswer(c, SINGLETON_ALLOW, options.responder)
    default:
      throw methodNotAllowed(c.req.method, SINGLETON_ALLOW)
  }
}

async function writeItem(
  c: Context,
  resource: ResourceDef,
  id: string,
  options: ResourceRouteOptions,
): Promise<Response> {
  const { engine } = options
  const body = ownedBody(c, resource, await readJsonObject(c, options.bodyLimit))
  checkIfMatch(c, ownedRecord(c, resource, engine.get(resource.name, id)))
  const record =
    c.req.method === 'PUT'
      ? await engine.replace(resource.name, id, body)
      : await engine.patch(resource.name, id, body, requestedPatchStyle(requestHeader(c, 'content-type')))
  return written(c, options.responder, record, 200, {})
}

async function deleteItem(
  c: Context,
  resource: ResourceDef,
  id: string,
  options: ResourceRouteOptions,
): Promise<Response> {
  const { engine } = options
  checkIfMatch(c, ownedRecord(c, resource, engine.get(resource.name, id)))
  const deleted = await engine.remove(resource.name, id as RecordId)
  const preference = preferredReturn(requestHeader(c, 'prefer'))
  const withBody = preference === 'representation' || (preference === undefined && engine.manifest.zeroConfig)
  const headers: Record<string, string> =
    preference === undefined ? {} : { 'preference-applied': `return=${preference}` }
  return withBody
    ? options.responder.json(c, 200, recordText(deleted), headers)
    : options.responder.empty(c, 204, headers)
}

async function writeSingleton(
  c: Context,
  resource: ResourceDef,
  options: ResourceRouteOptions,
): Promise<Response> {
  const { engine } = options
  const body = await readJsonObject(c, options.bodyLimit)
  checkIfMatch(c, engine.getSingleton(resource.name))
  const value =
    c.req.method === 'PUT'
      ? await engine.replaceSingleton(resource.name, body)
      : await engine.patchSingleton(
          resource.name,
          body,
          requestedPatchStyle(requestHeader(c, 'content-type')),
        )
  return written(c, options.responder, value, 200, {})
}

/** 200 with a strong ETag, or 304 when If-None-Match already has it. */
function representation(c: Context, responder: Responder, record: Rec): Response {
  const { text, etag } = representationOf(record)
  const ifNoneMatch = requestHeader(c, 'if-none-match')
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag, true))
    return responder.empty(c, 304, { etag })
  return responder.json(c, 200, text, { etag })
}

/** The answer to a successful POST/PUT/PATCH, honouring Prefer: return=minimal. */
function written(
  c: Context,
  responder: Responder,
  record: Rec,
  status: 200 | 201,
  headers: Record<string, string>,
): Response {
  const { text, etag } = representationOf(record)
  const all: Record<string, string> = { ...headers, etag }
  const preference = preferredReturn(requestHeader(c, 'prefer'))
  if (preference !== undefined) all['preference-applied'] = `return=${preference}`
  return preference === 'minimal' ? responder.empty(c, 204, all) : responder.json(c, status, text, all)
}

function checkIfMatch(c: Context, current: Rec): void {
  const ifMatch = requestHeader(c, 'if-match')
  if (ifMatch === undefined) return
  const { etag } = representationOf(current)
  if (!etagMatches(ifMatch, etag, false)) {
    throw new RestmockError(
      'precondition_failed',
      `If-Match ${ifMatch} does not match the current ETag ${etag}`,
      {
        headers: { etag },
      },
    )
  }
}
