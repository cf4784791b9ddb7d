import { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import { checkParamCount, MAX_QUERY_PARAMS } from '../core/query/parse-query.ts'
import type { RouteRewriter } from '../core/route-rewrites.ts'
import { SessionRegistry } from '../core/sessions/session-registry.ts'
import { createSimulationRuntime, type SimulationRuntime } from '../core/simulation/policy-levels.ts'
import { isAdminPath } from './admin/admin-api.ts'
import { type AdminOptions, adminHook } from './admin/admin-hook.ts'
import { authAdmin } from './auth/auth-admin.ts'
import { type AuthOptions, authHook } from './auth/auth-hook.ts'
import { DEFAULT_BODY_LIMIT } from './body.ts'
import type { MountedExtensions } from './extensions.ts'
import { homePages, type PageHook } from './home-page.ts'
import { itemFastPath } from './item-fast-path.ts'
import { journalRecorder, type RequestLogEntry, requestLogger } from './journal/journal-recorder.ts'
import { type JournalOptions, redactionOf } from './journal/journal-view.ts'
import { registerDeclaredAnswers } from './openapi/declared-answers.ts'
import { registerOpenApiRoutes } from './openapi/openapi-operations.ts'
import { problemResponse, resourceHint, toRestmockError } from './problem.ts'
import { type Fetch, Responder } from './reply.ts'
import { headerOf, pathOf } from './request.ts'
import { registerResourceRoutes } from './resource-routes.ts'
import { rewriting, rulesPage } from './rewrite-hook.ts'
import { sessionEntry } from './sessions/session-entry.ts'
import { sessionScopes } from './sessions/session-scope.ts'
import { type SimulationOptions, simulationHook } from './simulation/simulation-hook.ts'

/**
 * Every setting of the HTTP app: its own below, then those of its peers (simulation, the admin API,
 * the request journal), each declared where it is used. Everything but `engine` has a default.
 */
export interface AppOptions extends SimulationOptions, AdminOptions, JournalOptions, AuthOptions {
  engine: Engine
  /** CORS headers on every response (default true) */
  cors?: boolean
  /** request body limit in bytes (default 1 MiB) */
  bodyLimit?: number
  /** simulator + request journal, shared by the peers; default: built from the engine's manifest */
  runtime?: SimulationRuntime
  /** called once per request after the response is ready; absent = no request logging at all */
  onRequest?: (entry: RequestLogEntry) => void
  /** where unexpected errors (bugs) are reported; the client gets a generic 500 */
  logError?: (error: unknown) => void
  /** monotonic milliseconds, for request durations and rate-limit windows */
  now?: () => number
  /** wall-clock epoch milliseconds, for journal times and uptime; default Date.now */
  clock?: () => number
  /** answer plain GETs by id without Hono's router (default true; false lets a test compare both paths) */
  fastPath?: boolean
  /** files answered before the API for GET/HEAD (the server's --static folders); undefined = the API answers */
  staticFiles?: PageHook
  /** --middlewares / manifest `extensions`, run after the pages and before simulation; undefined = none */
  extensions?: MountedExtensions
  /** URL rewrite rules (--routes), applied before everything but the admin API; undefined = none */
  rewrites?: RouteRewriter
  /** aborts when this app stops serving its engine (--watch serves a new app): it lets go of the engine */
  signal?: AbortSignal
  /** the sessions (X-Restmock-Session, /__session/<id>); default: a registry with the default limits */
  sessions?: SessionRegistry
}

/**
 * The HTTP face of an engine: the resource routes and their peers, composed in one dispatcher in the
 * order a request meets them (docs/architecture.md, "Request lifecycle"):
 *
 *   1. sessions       X-Restmock-Session or /__session/<id>: the request works on that session's state,
 *                     simulation and caches (src/http/sessions); every other request goes on untouched
 *   2. rewrites       --routes rules turn the request into one for another URL (absent when none)
 *   3. auth server    OAuth endpoints, discovery, the login route (absent without a manifest `auth`);
 *                     then straight to step 10
 *   4. admin API      /__restmock/*: its own app behind its own checks; then straight to step 10's log
 *   5. pages          static files, `GET /__rules`, the home page `/` and `<basePath>/db`: never
 *                     simulated or journaled, logged like any other request
 *   6. extensions     --middlewares / manifest `extensions` (absent when none): their routes answer,
 *                     their middleware wraps steps 7-9
 *   7. auth gate      credentials checked against the resource's rules (absent without `auth`, or off)
 *   8. simulation     only for requests it applies to (an active policy, or a request asking for one)
 *   9. fast path      a plain GET by id, else the routes: a served OpenAPI document's own operations and
 *                     declared answers, then the resource routes (Hono)
 *  10. journal, log   observe the finished response; absent when off, so they cost nothing
 *
 * Nothing runs as Hono middleware around the routes, so a plain request keeps @hono/node-server's
 * synchronous fast path.
 */
export function createApp(options: AppOptions): Hono {
  const { engine } = options
  const logError = options.logError ?? ((error: unknown) => console.error(error))
  const now = options.now ?? (() => performance.now())
  const clock = options.clock ?? Date.now
  const responder = new Responder(options.cors ?? true)
  const runtime = options.runtime ?? createSimulationRuntime(engine.manifest)
  const sessions = options.sessions ?? new SessionRegistry({ engine, simulator: runtime.simulator, clock })
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  const auth = authHook({ engine, responder, clock, bodyLimit, logError }, options)
  // a request on a session meets its session's engine, simulator and caches at each step below
  const scopes = sessionScopes(responder, auth?.ownedResources)
  const hint = (path: string) => resourceHint(engine.manifest, path)
  const routes = withProblems(new Hono({ strict: false }), responder, logError, hint)
  const openapi = engine.manifest.openapiRoutes
  if (openapi !== undefined) {
    const base = { basePath: engine.manifest.basePath, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT }
    const forward = (request: Request, env: unknown) => plain(request, env)
    registerOpenApiRoutes(routes, {
      ...base,
      routes: openapi,
      responder,
      forward,
      ...(auth === undefined ? {} : { authCheck: auth.check }),
    })
    registerDeclaredAnswers(routes, { ...base, shapes: openapi.shapes, responder, forward })
  }
  registerResourceRoutes(routes, {
    engine,
    bodyLimit,
    responder,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    scopeOf: scopes.routes,
  })
  const plain: Fetch = routes.fetch
  const fastItem =
    options.fastPath === false ? undefined : itemFastPath(engine, responder, auth?.ownedResources)
  // A failure in the fast path (a bug) leaves the request to the routes, which report it as a 500 problem.
  const fast = (request: Request, env: unknown, path: string): Response | undefined => {
    if (fastItem === undefined) return undefined
    try {
      return (scopes.fastPath(env) ?? fastItem)(request, env, path)
    } catch {
      return undefined
    }
  }

  const home = homePages(engine, responder)
  const rules = options.rewrites === undefined ? undefined : rulesPage(options.rewrites, responder)
  const staticFiles = options.staticFiles
  // a failing page (a file that cannot be read: a bug or a permission) leaves the request to the API
  const page = (request: Request, env: unknown, path: string): Response | Promise<Response> | undefined => {
    try {
      return (
        staticFiles?.(request, path) ?? rules?.(request, path) ?? (scopes.pages(env) ?? home)(request, path)
      )
    } catch (error) {
      logError(error)
      return undefined
    }
  }

  const redactHeaders = redactionOf({
    redactHeaders: [...(options.redactHeaders ?? []), ...(auth?.redactHeaders ?? [])],
  })
  const extend = auth === undefined ? undefined : authAdmin(auth, options.showSecrets === true)
  const admin = adminHook({ engine, runtime, sessions, redactHeaders, clock, logError, extend }, options)
  const simulation = simulationHook(
    {
      simulator: runtime.simulator,
      simulatorOf: scopes.simulator,
      basePath: engine.manifest.basePath,
      responder,
      now,
    },
    options,
  )
  const simulated: Fetch = withProblems(simulation.around(plain), responder, logError, hint).fetch
  // the admin API is the journal's only reader: without it nothing is recorded
  const record = admin === undefined ? undefined : journalRecorder({ journal: runtime.journal, now, clock })
  const log = options.onRequest === undefined ? undefined : requestLogger(options.onRequest, now)
  const observed = log !== undefined || record !== undefined

  const unguarded = (request: Request, env: unknown, path: string): Response | Promise<Response> =>
    simulation.applies(request, env)
      ? simulated(request, env)
      : (fast(request, env, path) ?? plain(request, env))
  const api = auth === undefined ? unguarded : auth.guard(unguarded)
  // an extension may change the request it passes on (url, body), so the path is taken again
  const extended = options.extensions?.around((request, env) => api(request, env, pathOf(request.url)))

  const dispatch: Fetch = (request, env) => {
    const path = pathOf(request.url)
    // 3. the auth server: part of the mock API (journaled, the resources' CORS), not of the admin API;
    // before it, a URL with more query parameters than any route accepts is refused on every route
    const served =
      queryFlood(request, env, path, responder) ??
      (auth?.owns(path) === true ? auth.fetch(request, env) : undefined)
    // 4. the admin API: never simulated or journaled, logged like any other request
    if (served === undefined && admin?.owns(path)) {
      if (log === undefined) return admin.fetch(request, env)
      const start = now()
      return observe(admin.fetch(request, env), (response) => log(request, path, response, start))
    }
    // 5. pages
    const answered = served === undefined ? page(request, env, path) : undefined
    if (answered !== undefined) {
      if (log === undefined) return answered
      const start = now()
      return observe(answered, (response) => log(request, path, response, start))
    }
    // 6.-9. extensions, auth gate, simulation, fast path or routes
    const start = observed ? now() : 0
    const result = served ?? (extended === undefined ? api(request, env, path) : extended(request, env))
    // 10. journal and log
    if (!observed) return result
    return observe(result, (response) => {
      record?.({ request, env, path, response, start })
      log?.(request, path, response, start)
    })
  }
  // 2. URL rewrites (--routes): wrapped in only when there are rules
  const rewritten = options.rewrites === undefined ? dispatch : rewriting(options.rewrites, dispatch)
  // 1. sessions: the header or the /__session/<id> prefix picks the state a request works on
  const first = sessionEntry(sessions, responder.corsFor, rewritten)
  routes.fetch = first as typeof routes.fetch
  return routes
}

/**
 * problem+json for thrown errors and for paths no route matches; a 404 for a path one typo away from a
 * resource names it (`hint`).
 */
function withProblems(
  app: Hono,
  responder: Responder,
  logError: (error: unknown) => void,
  hint: (path: string) => string | undefined,
): Hono {
  const { cors } = responder
  app.onError((error, c) => {
    const problem = toRestmockError(error, logError)
    const detail = problem.code === 'not_found' ? hint(c.req.path) : undefined
    const answer = detail === undefined ? problem : new RestmockError('not_found', detail)
    return problemResponse(answer, c.req.path, cors(c))
  })
  app.notFound((c) => {
    const detail = hint(c.req.path) ?? `no route matches ${c.req.method} ${c.req.path}`
    return problemResponse(new RestmockError('not_found', detail), c.req.path, cors(c))
  })
  return app
}

/** Call `after` with the response, keeping a synchronous response synchronous. */
function observe(
  result: Response | Promise<Response>,
  after: (response: Response) => void,
): Response | Promise<Response> {
  if (result instanceof Promise) {
    return result.then((response) => {
      after(response)
      return response
    })
  }
  after(result)
  return result
}

/** The shortest query string that can hold more than MAX_QUERY_PARAMS parameters (`a&a&...`). */
const SHORTEST_FLOOD = 2 * MAX_QUERY_PARAMS + 1

/**
 * The 400 invalid_query for a URL with more than 1,000 query parameters, on every route (resources,
 * OpenAPI operations, pages, the admin API, the auth server), before anything decodes them; undefined
 * for any other URL, after one length comparison for an ordinary one.
 */
export function queryFlood(
  request: Request,
  env: unknown,
  path: string,
  responder: Responder,
): Response | undefined {
  const url = request.url
  if (url.length <= SHORTEST_FLOOD) return undefined
  const question = url.indexOf('?')
  if (question === -1 || url.length - question <= SHORTEST_FLOOD) return undefined
  let count = 1
  for (let at = url.indexOf('&', question); at !== -1; at = url.indexOf('&', at + 1)) count++
  try {
    checkParamCount(count)
    return undefined
  } catch (error) {
    if (!(error instanceof RestmockError)) throw error
    // the admin API never gets the resources' CORS grant
    const cors = isAdminPath(path) ? {} : responder.corsFor(headerOf(request, env, 'origin'))
    return problemResponse(error, path, cors)
  }
}
