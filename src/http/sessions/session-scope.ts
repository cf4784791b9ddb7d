import type { Engine } from '../../core/engine.ts'
import type { Session } from '../../core/sessions/session.ts'
import type { Simulator } from '../../core/simulation/simulator.ts'
import { homePages, type PageHook } from '../home-page.ts'
import { IdempotencyCache } from '../idempotency.ts'
import { type FastPath, itemFastPath } from '../item-fast-path.ts'
import type { Responder } from '../reply.ts'
import type { RouteScope } from '../resource-routes.ts'

const SESSION = Symbol('restmock.session')

/** The server's env (on Node: the raw request and response) with the session a request works on. */
interface SessionEnv {
  [SESSION]?: Session
}

/**
 * The session of a request, carried in the env every step passes on (so a request without one pays a
 * single property read), or undefined for the shared state.
 */
export function sessionOf(env: unknown): Session | undefined {
  return (env as SessionEnv | undefined)?.[SESSION]
}

/**
 * `env` with `session` added, the server's own env object left as it was. A shallow copy (two
 * properties on Node) keeps one object shape for every session request, so property reads stay fast;
 * an object inheriting from each env would give V8 a new shape per request.
 */
export function withSession(env: unknown, session: Session): unknown {
  const scoped: SessionEnv = typeof env === 'object' && env !== null ? { ...env } : {}
  scoped[SESSION] = session
  return scoped
}

/** Idempotency-Keys a session remembers (each session has its own keys, like its own state). */
const SESSION_IDEMPOTENCY = { maxEntries: 100, maxBytes: 1024 * 1024 }

/** What the app's steps use instead of the shared state's when a request works on a session. */
export interface SessionScopes {
  /** the session's engine and Idempotency-Key cache */
  routes(env: unknown): RouteScope | undefined
  /** GET by id without the router, over the session's state */
  fastPath(env: unknown): FastPath | undefined
  /** the home page and `<basePath>/db` of the session's state */
  pages(env: unknown): PageHook | undefined
  /** the session's scripted faults and simulation policy */
  simulator(env: unknown): Simulator | undefined
}

interface Scoped {
  routes: RouteScope
  fastPath: FastPath
  pages: PageHook
}

/**
 * Per-session counterparts of the app's engine-bound pieces, made on a session's first request and
 * kept per engine: a session reset brings a new engine, and with it fresh ones (an Idempotency-Key
 * must not replay an answer about a state that was reset).
 */
export function sessionScopes(responder: Responder, ownedResources?: ReadonlySet<string>): SessionScopes {
  const scoped = new WeakMap<Engine, Scoped>()
  const of = (env: unknown): Scoped | undefined => {
    const session = sessionOf(env)
    if (session === undefined) return undefined
    const { engine } = session
    let found = scoped.get(engine)
    if (found === undefined) {
      const idempotency = new IdempotencyCache(SESSION_IDEMPOTENCY)
      // its stored answers count toward --max-session-bytes with the session's records
      session.sideBytes = () => idempotency.bytes
      found = {
        routes: { engine, idempotency },
        // rows owned by users are read through the routes, which check the owner
        fastPath: itemFastPath(engine, responder, ownedResources),
        pages: homePages(engine, responder),
      }
      scoped.set(engine, found)
    }
    return found
  }
  return {
    routes: (env) => of(env)?.routes,
    fastPath: (env) => of(env)?.fastPath,
    pages: (env) => of(env)?.pages,
    simulator: (env) => sessionOf(env)?.simulator,
  }
}
