import { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import { DEFAULT_BODY_LIMIT } from './body.ts'
import { corsHeaders } from './cors.ts'
import { problemResponse, toRestmockError } from './problem.ts'
import { type RequestLogEntry, requestLog } from './request-log.ts'
import { registerResourceRoutes } from './resource-routes.ts'
import { Responder } from './respond.ts'
import { mountSimulation, type SimulationOptions } from './simulation/mount.ts'

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
}

/** The HTTP face of an engine: every route, problem+json errors, CORS, request log. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono({ strict: false })
  const corsEnabled = options.cors ?? true
  const logError = options.logError ?? ((error: unknown) => console.error(error))

  const cors = corsHeaders(corsEnabled)
  const responder = new Responder(cors, corsEnabled)

  app.onError((error, c) => problemResponse(toRestmockError(error, logError), c.req.path, cors(c)))
  app.notFound((c) => {
    const error = new RestmockError('not_found', `no route matches ${c.req.method} ${c.req.path}`)
    return problemResponse(error, c.req.path, cors(c))
  })
  if (options.onRequest !== undefined) {
    app.use(requestLog(options.onRequest, options.now ?? (() => performance.now())))
  }

  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  const now = options.now ?? (() => performance.now())
  mountSimulation(app, { engine: options.engine, responder, now, bodyLimit, logError }, options.simulation)

  registerResourceRoutes(app, {
    engine: options.engine,
    bodyLimit,
    responder,
  })
  return app
}
