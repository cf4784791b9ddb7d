import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

/** The Node request behind a fetch call on @hono/node-server (`env.incoming`), else undefined. */
export function incomingOf(env: unknown): IncomingMessage | undefined {
  return (env as { incoming?: IncomingMessage } | undefined)?.incoming
}

/**
 * `env` for a request made anew from another one (other headers or body): without the Node request, so
 * that header reads see the new request's headers and not the original's. Everything else is kept.
 */
export function envForNewRequest(env: unknown): unknown {
  if (incomingOf(env) === undefined) return env
  return { ...(env as object), incoming: undefined }
}

/** Path of a request URL without building a URL object (hot path). */
export function pathOf(url: string): string {
  const scheme = url.indexOf('://')
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  const hash = url.indexOf('#', start)
  const end = query === -1 ? (hash === -1 ? url.length : hash) : hash === -1 ? query : Math.min(query, hash)
  return url.slice(start, end)
}

/** The query string of a request URL (after `?`), or '' */
export function queryStringOf(url: string): string {
  const mark = url.indexOf('?')
  return mark === -1 ? '' : url.slice(mark + 1)
}

const bodies = new WeakMap<Request, unknown>()

/** Remember the body a route parsed, for the request journal (so nothing reads the stream twice). */
export function rememberBody(request: Request, body: unknown): void {
  bodies.set(request, body)
}

export function rememberedBody(request: Request): unknown {
  return bodies.get(request)
}

/** What simulation did to a request, for the request journal and log (which run after the routes). */
export interface SimulationNote {
  /** such as "latency 120ms", "failure 503 (scripted)", "fault reset (request)" */
  simulated: string
  /** true when a connection fault meant no response was sent */
  noResponse: boolean
}

const notes = new WeakMap<Request, SimulationNote>()

export function setSimulationNote(request: Request, note: SimulationNote): void {
  notes.set(request, note)
}

export function simulationNoteOf(request: Request): SimulationNote | undefined {
  return notes.get(request)
}

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

/** If-None-Match / If-Match list matching (weak comparison for If-None-Match, as RFC 9110 says). */
export function etagMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === '*') return true
  for (const candidate of header.split(',')) {
    let tag = candidate.trim()
    if (weak && tag.startsWith('W/')) tag = tag.slice(2)
    if (tag === etag) return true
  }
  return false
}

/** RFC 7240 Prefer: the `return` preference (other preferences belong to simulation). */
export function preferredReturn(header: string | undefined): 'minimal' | 'representation' | undefined {
  if (header === undefined) return undefined
  const match = /(?:^|[,;\s])return\s*=\s*"?(minimal|representation)"?/i.exec(header)
  return match === null ? undefined : (match[1]!.toLowerCase() as 'minimal' | 'representation')
}

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
