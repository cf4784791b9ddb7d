import type { IncomingMessage } from 'node:http'

/** The Node request behind a fetch call on @hono/node-server (`env.incoming`), else undefined. */
export function incomingOf(env: unknown): IncomingMessage | undefined {
  return (env as { incoming?: IncomingMessage } | undefined)?.incoming
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
