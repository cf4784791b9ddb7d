import type { Context } from 'hono'
import { recordText } from '../core/records.ts'
import type { Rec } from '../core/store.ts'
import { type CorsForOrigin, type CorsHeaders, corsForOrigin } from './cors.ts'
import { requestHeader } from './request.ts'

export const JSON_TYPE = 'application/json; charset=utf-8'

/** A fetch handler: the app, the admin API, the routes behind simulation. */
export type Fetch = (request: Request, env: unknown) => Response | Promise<Response>

const SENT_TEXT = Symbol('restmock.sentText')
const SENT_HEADERS = Symbol('restmock.sentHeaders')

interface Sent {
  [SENT_TEXT]?: string | null
  [SENT_HEADERS]?: Readonly<Record<string, string>>
}

/**
 * Builds responses with plain-object headers (the fast path of @hono/node-server), CORS included.
 * Each record is serialized once per request by the caller.
 *
 * Every response it builds also keeps the body text and the header object it was made from, so the
 * request journal can record what was sent without reading the body stream or asking the response
 * for a `Headers` object (either would take the response off the server's fast path).
 */
export class Responder {
  /** true when preflights on these routes get a grant (the resource routes with CORS on) */
  readonly corsEnabled: boolean
  /** CORS headers for a request's `Origin` (undefined: none) */
  readonly corsFor: CorsForOrigin
  /** CORS headers for a request */
  readonly cors: CorsHeaders

  /** `corsFor` replaces the permissive resource policy (the admin API has its own). */
  constructor(corsEnabled: boolean, corsFor: CorsForOrigin = corsForOrigin(corsEnabled)) {
    this.corsEnabled = corsEnabled
    this.corsFor = corsFor
    this.cors = (c) => this.corsFor(requestHeader(c, 'origin'))
  }

  /** Whether a CORS preflight from this request's origin is granted. */
  grantsPreflight(c: Context): boolean {
    return this.corsEnabled && this.cors(c)['access-control-allow-origin'] !== undefined
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
    const all = { ...this.corsFor(origin), 'content-type': JSON_TYPE, ...headers }
    const response = new Response(text, { status, headers: all }) as Response & Sent
    response[SENT_TEXT] = text
    response[SENT_HEADERS] = all
    return response
  }

  empty(c: Context, status: 204 | 304, headers?: Record<string, string>): Response {
    const all = { ...this.cors(c), ...headers }
    const response = new Response(null, { status, headers: all }) as Response & Sent
    response[SENT_TEXT] = null
    response[SENT_HEADERS] = all
    return response
  }
}

/** The body text a Responder response was built from (null: none); undefined for other responses. */
export function sentText(response: Response): string | null | undefined {
  return (response as Response & Sent)[SENT_TEXT]
}

/** The header object a Responder response was built from; undefined for other responses. */
export function sentHeaders(response: Response): Readonly<Record<string, string>> | undefined {
  return (response as Response & Sent)[SENT_HEADERS]
}

/**
 * Rewrite a response's `Location` and `Link` in place (and the header record the journal shows), for an
 * answer reached under another path than the route's own (a session prefix, an OpenAPI document path).
 */
export function rewriteLinkHeaders(
  response: Response,
  rewrite: (name: 'location' | 'link', value: string) => string,
): void {
  const sent = sentHeaders(response) as Record<string, string> | undefined
  for (const name of ['location', 'link'] as const) {
    const value = response.headers.get(name)
    if (value === null) continue
    const changed = rewrite(name, value)
    if (changed === value) continue
    if (sent !== undefined) sent[name] = changed
    response.headers.set(name, changed)
  }
}

/**
 * `JSON.stringify(records)`, reusing the text of each stored (frozen) record across requests: a list of
 * 200 records costs a join instead of 200 serializations. Shaped records (new objects) are serialized as usual.
 */
export function recordsJson(records: readonly Rec[]): string {
  const parts = new Array<string>(records.length)
  for (let i = 0; i < records.length; i++) parts[i] = recordText(records[i]!)
  return `[${parts.join(',')}]`
}

/** A response whose request-journal copy shows `text` instead of the body sent (secrets redacted). */
export function journaledAs(response: Response, text: string): Response {
  ;(response as Response & Sent)[SENT_TEXT] = text
  return response
}
