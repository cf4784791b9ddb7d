import type { Context } from 'hono'
import { incomingOf } from './request-facts.ts'

/**
 * A request header, read from Node's already-parsed headers when running on @hono/node-server (building
 * a WHATWG Headers object for every request is a measurable share of a GET), else from the Request.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = incomingOf(c.env)
  if (incoming?.headers !== undefined) {
    const value = incoming.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
  return c.req.header(name)
}
