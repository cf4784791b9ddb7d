import type { Session } from '../../core/sessions/session.ts'

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
