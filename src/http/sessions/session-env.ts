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
 * `env` with `session` added, the server's own env object left as it was: a new object inheriting
 * from it (no copy; `env.incoming` still reads through).
 */
export function withSession(env: unknown, session: Session): unknown {
  const scoped: SessionEnv = typeof env === 'object' && env !== null ? Object.create(env) : {}
  scoped[SESSION] = session
  return scoped
}
