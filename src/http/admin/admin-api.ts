import type { Context, Hono } from 'hono'
import type { Engine } from '../../core/engine.ts'
import { RestmockError } from '../../core/errors.ts'
import type { Issue } from '../../core/manifest/model.ts'
import type { SessionRegistry } from '../../core/sessions/session-registry.ts'
import type { SimulationRuntime } from '../../core/simulation/policy-levels.ts'
import type { Simulator } from '../../core/simulation/simulator.ts'
import { optionsHeaders } from '../cors.ts'
import type { Responder } from '../reply.ts'

/** What the admin API works on. */
export interface AdminContext {
  engine: Engine
  runtime: SimulationRuntime
  /** body limit for admin requests (PUT /db carries a whole state) */
  bodyLimit: number
  /** builds responses with the CORS headers */
  responder: Responder
  /** lower-case names of the request and response headers the journal shows as `[redacted]` */
  redactHeaders: ReadonlySet<string>
  /** wall-clock epoch ms */
  clock: () => number
  /** back to the start: seed state, configured simulation, no scripted faults, empty journal */
  reset(): Promise<void>
  /** admin endpoints and info contributed by a peer (auth) */
  extend?: AdminExtension | undefined
  /** the sessions, under /__restmock/sessions (absent: no such endpoints) */
  sessions?: SessionRegistry
}

/** What a peer of the admin API adds to it: routes, and a section of `GET /__restmock`. */
export interface AdminExtension {
  routes(app: Hono, admin: AdminContext): void
  /** merged into the `GET /__restmock` answer */
  info(): Record<string, unknown>
  /** lines added to the endpoint list of `GET /__restmock` */
  endpoints: readonly string[]
}

/** Whose scripted faults and simulation a group of admin routes changes, and under which path. */
export interface SimulationScope {
  /** below /__restmock: '' for the server's own, '/sessions/:session' for a session's */
  path: string
  simulator(c: Context): Simulator
}

/** The server's own simulator, at /__restmock/faults and /__restmock/simulation. */
export function sharedScope(admin: AdminContext): SimulationScope {
  return { path: '', simulator: () => admin.runtime.simulator }
}

export const ADMIN_BASE = '/__restmock'

/** What an admin handler answers: a JSON body (200 unless `status` says otherwise), or 204 without one. */
export interface AdminReply {
  status?: 200 | 201
  body?: unknown
  headers?: Record<string, string>
}

type AdminHandler = (c: Context) => AdminReply | Promise<AdminReply>
export type AdminMethods = Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', AdminHandler>>

export const NO_CONTENT: AdminReply = {}

/** One admin path: its methods, OPTIONS with `Allow`, and 405 with `Allow` for the others. */
export function adminRoute(app: Hono, path: string, methods: AdminMethods, responder: Responder): void {
  const allow = [...Object.keys(methods), ...(methods.GET === undefined ? [] : ['HEAD']), 'OPTIONS'].join(
    ', ',
  )
  app.all(`${ADMIN_BASE}${path}`, async (c) => {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    if (method === 'OPTIONS')
      return responder.empty(c, 204, optionsHeaders(allow, c, responder.grantsPreflight(c)))
    const handler = methods[method as keyof AdminMethods]
    if (handler === undefined) {
      throw new RestmockError(
        'method_not_allowed',
        `${c.req.method} is not allowed here; allowed: ${allow}`,
        {
          headers: { allow },
        },
      )
    }
    const reply = await handler(c)
    if (reply.body === undefined) return responder.empty(c, 204, reply.headers)
    return responder.json(c, reply.status ?? 200, JSON.stringify(reply.body), reply.headers)
  })
}

/** True for /__restmock and everything under it. */
export function isAdminPath(path: string): boolean {
  return path.startsWith(ADMIN_BASE) && (path.length === ADMIN_BASE.length || path[ADMIN_BASE.length] === '/')
}

/** A path parameter that the route pattern guarantees. */
export function param(c: Context, name: string): string {
  return c.req.param(name) ?? ''
}

/** Admin body problems as a 422 listing each with a JSON pointer, like resource validation. */
export function invalidAdminBody(issues: readonly Issue[]): RestmockError {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
  return new RestmockError('validation_failed', `the body has ${count}`, {
    errors: issues.map((issue) => ({ pointer: pointerOf(issue.path), detail: issue.message })),
  })
}

/** Dotted location (`errors.status.200`, `invoices[0].customerId`) -> RFC 6901 pointer (`/invoices/0/customerId`). */
export function pointerOf(path: string): string {
  if (path === '') return ''
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((key) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('')
}
