import type { Context } from 'hono'
import type { CorsHeaders } from './cors.ts'

export const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Builds responses with plain-object headers (the fast path of @hono/node-server), CORS included.
 * Each record is serialized once per request by the caller.
 */
export class Responder {
  readonly cors: CorsHeaders
  readonly corsEnabled: boolean

  constructor(cors: CorsHeaders, corsEnabled: boolean) {
    this.cors = cors
    this.corsEnabled = corsEnabled
  }

  json(c: Context, status: number, text: string, headers?: Record<string, string>): Response {
    return new Response(text, { status, headers: { ...this.cors(c), 'content-type': JSON_TYPE, ...headers } })
  }

  empty(c: Context, status: 204 | 304, headers?: Record<string, string>): Response {
    return new Response(null, { status, headers: { ...this.cors(c), ...headers } })
  }
}
