import { Hono } from 'hono'
import type { Engine } from '../core/engine.ts'
import { RestmockError } from '../core/errors.ts'
import { DEFAULT_BODY_LIMIT } from './body.ts'
import { cors } from './cors.ts'
import { problemResponse, toRestmockError } from './problem.ts'
import { type RequestLogEntry, requestLog } from './request-log.ts'
import { registerResourceRoutes } from './resource-routes.ts'

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
}

/** The HTTP face of an engine: every route, problem+json errors, CORS, request log. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono({ strict: false })
  const corsEnabled = options.cors ?? true
  const logError = options.logError ?? ((error: unknown) => console.error(error))

  app.onError((error, c) => problemResponse(toRestmockError(error, logError), c.req.path))
  app.notFound((c) =>
    problemResponse(
      new RestmockError('not_found', `no route matches ${c.req.method} ${c.req.path}`),
      c.req.path,
    ),
  )
  if (options.onRequest !== undefined)
    app.use(requestLog(options.onRequest, options.now ?? (() => performance.now())))
  if (corsEnabled) app.use(cors())

  registerResourceRoutes(app, {
    engine: options.engine,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    cors: corsEnabled,
  })
  return app
}
