import { Hono } from 'hono'
import { ConfigError, RestmockError } from '../../core/errors.ts'
import { adminCorsForOrigin } from '../cors.ts'
import { problemResponse, toRestmockError } from '../problem.ts'
import { type Fetch, Responder } from '../reply.ts'
import { registerSessionRoutes } from '../sessions/session-routes.ts'
import { ADMIN_BASE, type AdminContext, isAdminPath } from './admin-api.ts'
import { type AdminAccess, guardAdmin } from './admin-guard.ts'
import { type DocsAssets, registerDocsRoutes } from './docs-routes.ts'
import { registerFaultRoutes } from './fault-routes.ts'
import { registerRequestRoutes } from './request-routes.ts'
import { registerSimulationRoutes } from './simulation-routes.ts'
import { registerStateRoutes } from './state-routes.ts'

/** The admin API's settings; every one has a default. */
export interface AdminOptions extends AdminAccess {
  /** the admin API under /__restmock and its request journal (default true; CLI --no-admin) */
  admin?: boolean
  /** what POST /__restmock/reset does; default: engine back to the seed, then the simulation runtime */
  reset?: () => Promise<void>
  /** the files of the API docs page (GET /__restmock/docs), read by the server layer; absent = no docs page */
  docsAssets?: DocsAssets
}

/** What the admin API works on, handed in by the app. */
export interface AdminDependencies
  extends Pick<AdminContext, 'engine' | 'runtime' | 'sessions' | 'redactHeaders' | 'clock' | 'extend'> {
  /** where unexpected errors in admin handlers are reported */
  logError: (error: unknown) => void
}

/** The admin API as the app's dispatcher sees it. */
export interface AdminHook {
  /** true for /__restmock and everything under it */
  owns(path: string): boolean
  /** the admin API behind its access checks */
  fetch: Fetch
}

/** Largest body the admin API reads (PUT /__restmock/db carries a whole state). */
const ADMIN_BODY_LIMIT = 64 * 1024 * 1024

/**
 * The admin API under /__restmock, behind its Host, token and content-type checks, or undefined with
 * `admin: false`. Throws a ConfigError for a malformed admin token or origin.
 */
export function adminHook(dependencies: AdminDependencies, options: AdminOptions): AdminHook | undefined {
  // checked even with the admin API off: a bad value is a mistake either way
  const access = checkedAccess(options)
  if (options.admin === false) return undefined
  const { engine, runtime } = dependencies
  // the admin API never gets the resource routes' CORS grant; at most one configured origin
  const origin = access.adminOrigin
  const responder = new Responder(origin !== undefined, adminCorsForOrigin(origin))
  const app = createAdminApp(
    {
      engine,
      runtime,
      bodyLimit: ADMIN_BODY_LIMIT,
      responder,
      redactHeaders: dependencies.redactHeaders,
      clock: dependencies.clock,
      extend: dependencies.extend,
      ...(dependencies.sessions === undefined ? {} : { sessions: dependencies.sessions }),
      reset:
        options.reset ??
        (async () => {
          await engine.reset()
          runtime.reset()
        }),
    },
    dependencies.logError,
    options.docsAssets,
  )
  return { owns: isAdminPath, fetch: guardAdmin(app.fetch, access, responder) }
}

/** The access settings with the token checked and the origin in its canonical form. */
function checkedAccess(options: AdminAccess): AdminAccess {
  const access: AdminAccess = {}
  if (options.bindHost !== undefined) access.bindHost = options.bindHost
  const token = options.adminToken
  if (token !== undefined) {
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
      throw new ConfigError(
        'the admin token must be one or more visible ASCII characters, without spaces (--admin-token, RESTMOCK_ADMIN_TOKEN)',
        [],
      )
    }
    access.adminToken = token
  }
  if (options.adminOrigin !== undefined) access.adminOrigin = originOf(options.adminOrigin)
  return access
}

/** `http://localhost:5173` (a trailing slash is accepted); anything with a path, query or credentials is not. */
export function originOf(value: unknown): string {
  const problem = new ConfigError(
    `the admin origin must be an origin such as http://localhost:5173 (scheme, host and port only), got ${JSON.stringify(value)} (--admin-origin)`,
    [],
  )
  if (typeof value !== 'string') throw problem
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw problem
  }
  const bare =
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === ''
  if (url.origin === 'null' || !bare || !/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?$/i.test(value)) throw problem
  return url.origin
}

/**
 * The admin API as an app of its own, which the main app hands /__restmock requests to. Kept out of
 * the main router on purpose: static admin paths beside `/:name` would push Hono from its RegExpRouter
 * to the slower TrieRouter for every resource request.
 */
function createAdminApp(
  admin: AdminContext,
  logError: (error: unknown) => void,
  docsAssets: DocsAssets | undefined,
): Hono {
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
  registerDocsRoutes(app, admin, docsAssets)
  admin.extend?.routes(app, admin)
  if (admin.sessions !== undefined) registerSessionRoutes(app, admin, admin.sessions)
  return app
}
