import type { Context, Hono } from 'hono'
import { invalidSession, isSessionId, type Session } from '../../core/sessions/session.ts'
import type { SessionRegistry } from '../../core/sessions/session-registry.ts'
import type { AdminContext, SimulationScope } from '../admin/admin-api.ts'
import { ADMIN_BASE, adminRoute, NO_CONTENT, param } from '../admin/admin-api.ts'
import { registerFaultRoutes } from '../admin/fault-routes.ts'
import { registerSimulationRoutes } from '../admin/simulation-routes.ts'

/** The admin endpoints of sessions, for the admin API's endpoint list. */
export const SESSION_ENDPOINTS: readonly string[] = [
  'GET /__restmock/sessions',
  'GET|DELETE /__restmock/sessions/:id',
  'POST /__restmock/sessions/:id/reset',
  'GET /__restmock/sessions/:id/db',
  'GET|POST|DELETE /__restmock/sessions/:id/faults',
  'GET|DELETE /__restmock/sessions/:id/faults/:faultId',
  'GET|PUT|DELETE /__restmock/sessions/:id/simulation',
  'GET|PUT /__restmock/sessions/:id/simulation/resources/:name',
  'GET|PUT /__restmock/sessions/:id/simulation/routes',
]

/**
 * `/__restmock/sessions`: the list, and per session its reset, removal, state, scripted faults and
 * simulation (the same endpoints as the server's own, below `/sessions/<id>`). Any call naming a
 * session that does not exist yet makes it, so a test can script faults before its first request;
 * only DELETE does not.
 */
export function registerSessionRoutes(app: Hono, admin: AdminContext, sessions: SessionRegistry): void {
  const session = (c: Context): Session => sessions.use(sessionId(c))

  adminRoute(app, '/sessions', { GET: () => ({ body: sessions.list() }) }, admin.responder)

  adminRoute(
    app,
    '/sessions/:session',
    {
      GET: (c) => ({ body: session(c).info() }),
      DELETE: (c) => {
        sessions.delete(sessionId(c))
        return NO_CONTENT
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/sessions/:session/reset',
    {
      POST: (c) => {
        sessions.reset(sessionId(c))
        return NO_CONTENT
      },
    },
    admin.responder,
  )

  adminRoute(
    app,
    '/sessions/:session/db',
    { GET: (c) => ({ body: session(c).engine.snapshot() }) },
    admin.responder,
  )

  const scope: SimulationScope = { path: '/sessions/:session', simulator: (c) => session(c).ownSimulator() }
  registerFaultRoutes(app, admin, scope)
  registerSimulationRoutes(app, admin, scope)
}

/** The id in the path, checked: 400 invalid_session for a malformed one. */
function sessionId(c: Context): string {
  const id = param(c, 'session')
  if (!isSessionId(id)) throw invalidSession(id, `${ADMIN_BASE}/sessions/`)
  return id
}
