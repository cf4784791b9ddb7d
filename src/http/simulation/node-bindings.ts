import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

/** What @hono/node-server passes as `c.env`: the raw Node request and response. */
export interface NodeBindings {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

/** The Node request/response behind a Hono context, or undefined in-process (`app.request()`). */
export function nodeBindings(c: Context): NodeBindings | undefined {
  const env = c.env as Partial<NodeBindings> | undefined
  return env?.incoming !== undefined && env.outgoing !== undefined ? (env as NodeBindings) : undefined
}

/**
 * A response for the adapter to ignore: the handler already dealt with the socket (destroyed it, or
 * wrote raw bytes). Writes to a destroyed socket are dropped, so nothing else reaches the client.
 */
export function alreadySent(): Response {
  return new Response(null, { headers: { 'x-hono-already-sent': 'true' } })
}
