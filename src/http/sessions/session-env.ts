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

/** `env` with `session` added (a copy: the server's own env object is left as it was). */
export function withSession(env: unknown, session: Session): unknown {
  const copy: SessionEnv = typeof env === 'object' && env !== null ? { ...env } : {}
  copy[SESSION] = session
  return copy
}
