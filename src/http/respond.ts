import type { Context } from 'hono'
import { type CorsForOrigin, type CorsHeaders, corsForOrigin } from './cors.ts'
import { requestHeader } from './request-header.ts'

export const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Builds responses with plain-object headers (the fast path of @hono/node-server), CORS included.
 * Each record is serialized once per request by the caller.
 */
export class Responder {
  readonly corsEnabled: boolean
  /** CORS headers for a request's `Origin` (undefined: none) */
  readonly corsFor: CorsForOrigin
  /** CORS headers for a request */
  readonly cors: CorsHeaders

  constructor(corsEnabled: boolean) {
    this.corsEnabled = corsEnabled
    this.corsFor = corsForOrigin(corsEnabled)
    this.cors = (c) => this.corsFor(requestHeader(c, 'origin'))
  }

  json(c: Context, status: number, text: string, headers?: Record<string, string>): Response {
    return this.jsonFor(requestHeader(c, 'origin'), status, text, headers)
  }

  /** The same, for code that reads the request's `Origin` without a Hono context. */
  jsonFor(
    origin: string | undefined,
    status: number,
    text: string,
    headers?: Record<string, string>,
  ): Response {
    return new Response(text, {
      status,
      headers: { ...this.corsFor(origin), 'content-type': JSON_TYPE, ...headers },
    })
  }

  empty(c: Context, status: 204 | 304, headers?: Record<string, string>): Response {
    return new Response(null, { status, headers: { ...this.cors(c), ...headers } })
  }
}
