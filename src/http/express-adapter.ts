import { STATUS_CODES } from 'node:http'
import type { Context, MiddlewareHandler } from 'hono'
import { decodeUtf8, parseJsonBody } from '../core/json-text.ts'

/** A json-server 0.17 (Express) middleware, run unchanged. */
export type ExpressMiddleware = (
  req: ExpressRequest,
  res: ExpressResponse,
  next: (error?: unknown) => void,
) => unknown

/** The part of Express's `req` json-server middlewares use. */
export interface ExpressRequest {
  method: string
  /** path and query, such as /posts?_page=2; writable: a changed url is what the API sees */
  url: string
  originalUrl: string
  path: string
  hostname: string
  protocol: string
  query: Record<string, string | string[]>
  params: Record<string, string>
  /** lower-case names */
  headers: Record<string, string>
  /** the parsed JSON body ({} without one); writable: what it holds when next() is called is what is stored */
  body: unknown
  get(name: string): string | undefined
  header(name: string): string | undefined
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i

/**
 * An Express middleware as Hono middleware. Reading the JSON body consumes the request, so a request
 * that goes on gets a copy carrying the body the middleware left (recorded in `forwarded`). Headers set
 * on `res` before `next()` are added to the API's answer, as in Express.
 */
export function expressMiddleware(
  middleware: ExpressMiddleware,
  bodyLimit: number,
  forwarded: WeakMap<Request, Request>,
): MiddlewareHandler {
  return async (c, proceed) => {
    const request = forwarded.get(c.req.raw) ?? c.req.raw
    const sent = await readJson(request, bodyLimit)
    const req = expressRequest(request, sent?.value)
    const res = new ExpressResponse(req)
    const outcome = await new Promise<'next' | 'sent'>((resolve, reject) => {
      res.onSent = () => resolve('sent')
      const next = (error?: unknown): void => {
        if (error === undefined || error === null || error === 'route') resolve('next')
        else reject(error)
      }
      try {
        const result: unknown = middleware(req, res, next)
        if (result instanceof Promise) result.catch(reject)
      } catch (error) {
        reject(error)
      }
    })
    if (outcome === 'sent') return res.toResponse()
    const onward = onwardRequest(request, req, sent)
    if (onward !== c.req.raw) forwarded.set(c.req.raw, onward)
    await proceed()
    for (const [name, value] of res.headerEntries()) setHeader(c, name, value)
  }
}

interface SentJson {
  /** the body as sent, passed on unchanged unless the middleware changes `value` */
  raw: Uint8Array
  value: unknown
  /** the value as JSON before the middleware ran (it may change `value` in place) */
  before: string | undefined
}

/** The JSON body of a request that may carry one, within the limit; undefined leaves the body untouched. */
async function readJson(request: Request, limit: number): Promise<SentJson | undefined> {
  if (!BODY_METHODS.has(request.method)) return undefined
  const mediaType = request.headers.get('content-type')?.split(';', 1)[0]?.trim() ?? ''
  const length = Number(request.headers.get('content-length') ?? Number.NaN)
  if (!JSON_MEDIA_TYPE.test(mediaType) || !(length > 0 && length <= limit)) return undefined
  const raw = new Uint8Array(await request.arrayBuffer())
  try {
    // read as the API reads it: invalid UTF-8, deep nesting or 1e400 must not pass as a changed body
    const value = parseJsonBody(decodeUtf8(raw))
    return { raw, value, before: JSON.stringify(value) }
  } catch {
    // refused: the body goes on as it came and the API answers 400 for it
    return { raw, value: undefined, before: undefined }
  }
}

function expressRequest(request: Request, body: unknown): ExpressRequest {
  const url = new URL(request.url)
  const headers: Record<string, string> = {}
  for (const [name, value] of request.headers) headers[name] = value
  const query: Record<string, string | string[]> = {}
  for (const [key, value] of url.searchParams) {
    const had = query[key]
    query[key] = had === undefined ? value : [had, value].flat()
  }
  const get = (name: string): string | undefined => headers[name.toLowerCase()]
  const path = `${url.pathname}${url.search}`
  return {
    method: request.method,
    url: path,
    originalUrl: path,
    path: url.pathname,
    hostname: url.hostname,
    protocol: url.protocol.slice(0, -1),
    query,
    params: {},
    headers,
    body: body ?? {},
    get,
    header: get,
  }
}

/** The request the API sees: the original unless the middleware changed the url or the body. */
function onwardRequest(request: Request, req: ExpressRequest, sent: SentJson | undefined): Request {
  const original = new URL(request.url)
  const urlChanged = req.url !== `${original.pathname}${original.search}`
  // a body left unread (too large, chunked, not JSON) goes on as it came, whatever req.body says
  const unread =
    sent === undefined &&
    (Number(request.headers.get('content-length')) > 0 || request.headers.has('transfer-encoding'))
  const text = unread ? undefined : bodyText(req.body, sent)
  if (!urlChanged && sent === undefined && text === undefined) return request
  const url = urlChanged ? new URL(req.url, original).href : request.url
  const headers = new Headers(request.headers)
  const body = text ?? sent?.raw
  if (body === undefined)
    return new Request(url, {
      method: request.method,
      headers,
      body: request.body,
      duplex: 'half',
    } as RequestInit)
  headers.set('content-length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength))
  if (sent === undefined) headers.set('content-type', 'application/json')
  return new Request(url, { method: request.method, headers, body })
}

/** The body as JSON text when the middleware changed it, else undefined. */
function bodyText(body: unknown, sent: SentJson | undefined): string | undefined {
  if (sent !== undefined && sent.value === undefined) return undefined
  if (sent === undefined && isEmptyObject(body)) return undefined
  const text = JSON.stringify(body)
  return text === sent?.before ? undefined : text
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  )
}

function setHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value)
  } catch {
    // a response with immutable headers (Response.redirect) is copied first
    const copy = new Response(c.res.body, c.res)
    copy.headers.set(name, value)
    c.res = copy
  }
}

/** The part of Express's `res` json-server middlewares use; an answer ends the request (no next()). */
export class ExpressResponse {
  statusCode = 200
  headersSent = false
  readonly locals: Record<string, unknown> = {}
  onSent: () => void = () => {}
  private readonly headers = new Map<string, string>()
  private body: string | Uint8Array | null = null
  private readonly req: ExpressRequest

  constructor(req: ExpressRequest) {
    this.req = req
  }

  status(code: number): this {
    this.statusCode = code
    return this
  }

  set(field: string | Record<string, unknown>, value?: unknown): this {
    if (typeof field === 'string') this.headers.set(field.toLowerCase(), headerValue(value))
    else for (const [name, each] of Object.entries(field)) this.set(name, each)
    return this
  }

  header(field: string | Record<string, unknown>, value?: unknown): this {
    return this.set(field, value)
  }

  setHeader(name: string, value: unknown): this {
    return this.set(name, value)
  }

  get(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())
  }

  getHeader(name: string): string | undefined {
    return this.get(name)
  }

  removeHeader(name: string): void {
    this.headers.delete(name.toLowerCase())
  }

  type(type: string): this {
    const types: Record<string, string> = { json: 'application/json', html: 'text/html', text: 'text/plain' }
    return this.set('content-type', type.includes('/') ? type : (types[type] ?? 'application/octet-stream'))
  }

  json(value: unknown): void {
    if (!this.headers.has('content-type')) this.set('content-type', 'application/json; charset=utf-8')
    this.end(JSON.stringify(value) ?? '')
  }

  jsonp(value: unknown): void {
    const callback = [this.req.query.callback ?? []].flat()[0]?.replace(/[^[\]\w$.]/g, '')
    if (callback === undefined || callback === '') {
      this.json(value)
      return
    }
    this.set('content-type', 'text/javascript; charset=utf-8')
    this.set('x-content-type-options', 'nosniff')
    this.end(`/**/ typeof ${callback} === 'function' && ${callback}(${JSON.stringify(value)});`)
  }

  send(value?: unknown): void {
    if (typeof value === 'number') this.sendStatus(value)
    else if (value === undefined) this.end()
    else if (typeof value === 'string') this.typed('text/html; charset=utf-8').end(value)
    else if (value instanceof Uint8Array) this.typed('application/octet-stream').end(value)
    else this.json(value)
  }

  /** Sets the content type unless the middleware set one. */
  private typed(type: string): this {
    if (!this.headers.has('content-type')) this.set('content-type', type)
    return this
  }

  sendStatus(code: number): void {
    this.statusCode = code
    this.set('content-type', 'text/plain; charset=utf-8')
    this.end(STATUS_CODES[code] ?? String(code))
  }

  redirect(statusOrUrl: number | string, url?: string): void {
    const target = typeof statusOrUrl === 'string' ? statusOrUrl : (url ?? '/')
    this.statusCode = typeof statusOrUrl === 'number' ? statusOrUrl : 302
    this.set('location', target)
    this.end()
  }

  end(data?: string | Uint8Array): void {
    if (this.headersSent) return
    this.headersSent = true
    this.body = data ?? null
    this.onSent()
  }

  /** The answer the middleware sent. */
  toResponse(): Response {
    const empty = this.statusCode === 204 || this.statusCode === 304 || this.req.method === 'HEAD'
    return new Response(empty ? null : this.body, { status: this.statusCode, headers: [...this.headers] })
  }

  headerEntries(): IterableIterator<[string, string]> {
    return this.headers.entries()
  }
}

function headerValue(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(', ') : String(value)
}
