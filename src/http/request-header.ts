import type { Context } from 'hono'
import { incomingOf } from './request-facts.ts'

/**
 * A request header, read from Node's already-parsed headers when running on @hono/node-server (building
 * a WHATWG Headers object for every request is a measurable share of a GET), else from the Request.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  return headerOf(c.req.raw, c.env, name)
}

/** The same for code that runs before Hono builds a context: the request and the server's env. */
export function headerOf(request: Request, env: unknown, name: string): string | undefined {
  const incoming = incomingOf(env)
  if (incoming?.headers !== undefined) {
    const value = incoming.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  return request.headers.get(name) ?? undefined
}
