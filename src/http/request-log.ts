import type { MiddlewareHandler } from 'hono'

export interface RequestLogEntry {
  method: string
  path: string
  status: number
  durationMs: number
}

/** Measures each request and hands one entry to `sink` (which must not block: the server buffers). */
export function requestLog(sink: (entry: RequestLogEntry) => void, now: () => number): MiddlewareHandler {
  return async (c, next) => {
    const start = now()
    await next()
    sink({ method: c.req.method, path: c.req.path, status: c.res.status, durationMs: now() - start })
  }
}
