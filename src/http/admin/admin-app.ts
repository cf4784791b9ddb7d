import { Hono } from 'hono'
import { RestmockError } from '../../core/errors.ts'
import { problemResponse, toRestmockError } from '../problem.ts'
import { ADMIN_BASE } from './admin-router.ts'
import type { AdminContext } from './context.ts'
import { registerFaultRoutes } from './fault-routes.ts'
import { registerRequestRoutes } from './request-routes.ts'
import { registerSimulationRoutes } from './simulation-routes.ts'
import { registerStateRoutes } from './state-routes.ts'

/**
 * The admin API as an app of its own, which the main app hands /__restmock requests to. Kept out of
 * the main router on purpose: static admin paths beside `/:name` would push Hono from its RegExpRouter
 * to the slower TrieRouter for every resource request.
 */
export function createAdminApp(admin: AdminContext, logError: (error: unknown) => void): Hono {
  const app = new Hono({ strict: false })
  app.onError((error, c) =>
    problemResponse(toRestmockError(error, logError), c.req.path, admin.responder.cors(c)),
  )
  app.notFound((c) => {
    const error = new RestmockError(
      'not_found',
      `no admin endpoint ${c.req.method} ${c.req.path}; see GET ${ADMIN_BASE}`,
    )
    return problemResponse(error, c.req.path, admin.responder.cors(c))
  })
  registerStateRoutes(app, admin)
  registerSimulationRoutes(app, admin)
  registerFaultRoutes(app, admin)
  registerRequestRoutes(app, admin)
  return app
}
