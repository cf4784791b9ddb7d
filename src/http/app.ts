import { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import { isAdminPath } from './admin/admin-api.ts'
import { DEFAULT_BODY_LIMIT } from './body.ts'
import { itemFastPath } from './item-fast-path.ts'
import { problemResponse, toRestmockError } from './problem.ts'
import { Responder } from './reply.ts'
import { pathOf } from './request.ts'
import { type RequestLogEntry, requestLogger } from './request-log.ts'
import { registerResourceRoutes } from './resource-routes.ts'
import { createSimulationLayer, type SimulationOptions } from './simulation/simulation-hook.ts'

export interface AppOptions {
  engine: Engine
  /** CORS headers on every response (default true) */
  cors?: boolean
  /** request body limit in bytes (default 1 MiB) */
  bodyLimit?: number
  /** called once per request after the response is ready; absent = no request logging at all */
  onRequest?: (entry: RequestLogEntry) => void
  /** where unexpected errors (bugs) are reported; the client gets a generic 500 */
  logError?: (error: unknown) => void
  /** monotonic milliseconds, for request durations */
  now?: () => number
  /** latency/failure/fault simulation, request journal and admin API (all on by default) */
  simulation?: SimulationOptions
  /** answer plain GETs by id without Hono's router (default true; false lets a test compare both paths) */
  fastPath?: boolean
}

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>

/**
 * The HTTP face of an engine: every route, problem+json errors, CORS, simulation, admin API, request
 * journal and log. Cross-cutting work happens in one dispatcher around the routes rather than in Hono
 * middleware, so a plain request keeps @hono/node-server's synchronous fast path: the admin API is a
 * separate app, simulation runs only for requests it applies to, and the journal and log observe the
 * finished response.
 */
export function createApp(options: AppOptions): Hono {
  const corsEnabled = options.cors ?? true
  const logError = options.logError ?? ((error: unknown) => console.error(error))
  const responder = new Responder(corsEnabled)
  const { cors } = responder
  const fastItem = options.fastPath === false ? undefined : itemFastPath(options.engine, responder)
  const now = options.now ?? (() => performance.now())

  const routes = new Hono({ strict: false })
  const withProblems = (app: Hono): Hono => {
    app.onError((error, c) => problemResponse(toRestmockError(error, logError), c.req.path, cors(c)))
    app.notFound((c) => {
      const error = new RestmockError('not_found', `no route matches ${c.req.method} ${c.req.path}`)
      return problemResponse(error, c.req.path, cors(c))
    })
    return app
  }
  withProblems(routes)
  registerResourceRoutes(routes, {
    engine: options.engine,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    responder,
  })

  const layer = createSimulationLayer(
    { engine: options.engine, responder, now, logError },
    options.simulation,
  )
  const plain: Fetch = routes.fetch
  const simulated = withProblems(layer.around(plain))
  const throughSimulation: Fetch = simulated.fetch
  const admin: Fetch | undefined = layer.admin
  const log = options.onRequest === undefined ? undefined : requestLogger(options.onRequest, now)
  const record = layer.record
  const observed = log !== undefined || record !== undefined

  // A failure in the fast path (a bug) leaves the request to the routes, which report it as a 500 problem.
  const fast = (request: Request, env: unknown, path: string): Response | undefined => {
    if (fastItem === undefined) return undefined
    try {
      return fastItem(request, env, path)
    } catch {
      return undefined
    }
  }

  const dispatch: Fetch = (request, env) => {
    const path = pathOf(request.url)
    if (admin !== undefined && isAdminPath(path)) {
      // admin requests are never simulated or journaled; they are logged like any other
      if (log === undefined) return admin(request, env)
      const start = now()
      return observe(admin(request, env), (response) => log(request, path, response, start))
    }
    const simulate = layer.applies(request, env)
    const handle = simulate ? throughSimulation : plain
    const start = observed ? now() : 0
    const result = (simulate ? undefined : fast(request, env, path)) ?? handle(request, env)
    if (!observed) return result
    return observe(result, (response) => {
      record?.({ request, env, path, response, start })
      log?.(request, path, response, start)
    })
  }
  routes.fetch = dispatch as typeof routes.fetch
  return routes
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
