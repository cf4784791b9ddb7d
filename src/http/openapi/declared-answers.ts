import type { Context, Hono } from 'hono'
import type { ListEnvelope, ResourceShape } from '../../core/openapi/response-shapes.ts'
import { formKind, readFormObject } from '../body.ts'
import type { Responder } from '../reply.ts'
import { envForNewRequest } from '../request.ts'
import { coerceProperties } from './parameter-values.ts'

export interface DeclaredAnswerOptions {
  shapes: readonly ResourceShape[]
  bodyLimit: number
  basePath: string
  responder: Responder
  /** hands a request on to the resource routes */
  forward: (request: Request, env: unknown) => Response | Promise<Response>
}

type PagingName = keyof ResourceShape['paging']

/** Answers already in the declared shape (a forwarded request's, seen again by the original's middleware). */
const shaped = new WeakSet<Response>()

/**
 * Resource routes answering as the OpenAPI document declares (registered before them): a create
 * declared `200` answers 200, a delete declared `200` answers 200 (with the deleted record when that
 * answer has a body), a list declared as an envelope answers that envelope with its paging
 * fields filled, and the document's own paging parameters (`page`, `limit`, `offset`) drive paging.
 */
export function registerDeclaredAnswers(app: Hono, options: DeclaredAnswerOptions): void {
  const forwarded = new WeakSet<Request>()
  for (const shape of options.shapes) {
    const path = `${options.basePath}/${shape.resource}`
    const createStatus = shape.createStatus
    const createAnswer = shape.createAnswer
    if (createStatus !== undefined || createAnswer !== undefined) {
      app.post(path, async (c, next) => {
        await next()
        const response = c.res
        // a form body was forwarded as JSON, and that request's answer was shaped already
        if (response.status !== 201 || shaped.has(response)) return
        // the route already answered: Hono keeps c.res, so the new answer replaces it there
        const status = createStatus ?? 201
        if (createAnswer === undefined) {
          c.res = new Response(response.body, { status, headers: response.headers })
          shaped.add(c.res)
          return
        }
        const record = (await response.json()) as Record<string, unknown>
        const answer: Record<string, unknown> = {}
        for (const name of createAnswer.properties) {
          if (name === createAnswer.wrapper) answer[name] = record
          else if (Object.hasOwn(record, name)) answer[name] = record[name]
        }
        const headers = new Headers(response.headers)
        headers.delete('content-length')
        c.res = new Response(JSON.stringify(answer), { status, headers })
        shaped.add(c.res)
      })
    }
    const formSchema = shape.formSchema
    if (formSchema !== undefined) {
      // a form body (as the document declares for the create) is read as the JSON object it stands for
      const asJson = async (c: Context, next: () => Promise<void>) => {
        const kind = formKind(c)
        if (kind === undefined) return next()
        const value = await readFormObject(c, kind, options.bodyLimit)
        const headers = new Headers(c.req.raw.headers)
        headers.set('content-type', 'application/json')
        headers.delete('content-length')
        const body = JSON.stringify(coerceProperties(value, formSchema))
        const request = new Request(c.req.url, { method: c.req.method, headers, body })
        c.res = await options.forward(request, envForNewRequest(c.env))
        return c.res
      }
      app.post(path, asJson)
      app.on(['PUT', 'PATCH'], `${path}/:id`, asJson)
    }
    const deleteStatus = shape.deleteStatus
    if (deleteStatus !== undefined) {
      app.delete(`${path}/:id`, async (c, next) => {
        // the record as it was, when the declared answer has a body
        const before =
          shape.deleteAnswersRecord === true
            ? await options.forward(new Request(c.req.url, { headers: c.req.raw.headers }), c.env)
            : undefined
        await next()
        const response = c.res
        if (response.status !== 204) return
        const body = before?.status === 200 ? await before.text() : null
        const headers = new Headers(response.headers)
        if (body !== null) headers.set('content-type', 'application/json; charset=utf-8')
        c.res = new Response(body, { status: deleteStatus, headers })
      })
    }
    if (shape.envelope === undefined && Object.keys(shape.paging).length === 0) continue
    app.get(path, async (c, next) => {
      if (forwarded.has(c.req.raw)) {
        await next()
        return c.res
      }
      const url = new URL(c.req.url)
      let response: Response
      if (renamePaging(url, shape.paging)) {
        const request = new Request(url, c.req.raw)
        forwarded.add(request)
        response = await options.forward(request, c.env)
      } else {
        await next()
        response = c.res
      }
      if (shape.envelope !== undefined && response.status === 200 && c.req.method === 'GET')
        response = await envelopeAnswer(c, response, url, shape, options.responder)
      // the route (when it answered here) already set c.res: the answer replaces it there
      c.res = response
      return response
    })
  }
}

/** `?page=2&limit=5` as restmock's `?_page=2&_limit=5`; true when something was renamed. */
function renamePaging(url: URL, paging: ResourceShape['paging']): boolean {
  let renamed = false
  for (const [ours, theirs] of Object.entries(paging) as [PagingName, string][]) {
    const value = url.searchParams.get(theirs)
    if (value === null || url.searchParams.has(ours)) continue
    url.searchParams.delete(theirs)
    url.searchParams.set(ours, value)
    renamed = true
  }
  if (
    renamed &&
    url.searchParams.has('_limit') &&
    !url.searchParams.has('_page') &&
    !url.searchParams.has('_start')
  )
    url.searchParams.set('_page', '1')
  return renamed
}

async function envelopeAnswer(
  c: Context,
  response: Response,
  url: URL,
  shape: ResourceShape,
  responder: Responder,
): Promise<Response> {
  const items = (await response.json()) as unknown
  if (!Array.isArray(items)) return responder.json(c, 200, JSON.stringify(items))
  const envelope = shape.envelope!
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    if (key !== 'content-length' && key !== 'content-type') headers[key] = value
  })
  return responder.json(c, 200, JSON.stringify(fill(envelope, items, url, shape, response)), headers)
}

function fill(
  envelope: ListEnvelope,
  items: unknown[],
  url: URL,
  shape: ResourceShape,
  response: Response,
): unknown {
  const counted = response.headers.get('x-total-count')
  const total = counted === null ? items.length : Number(counted)
  const start = Number(url.searchParams.get('_start') ?? Number.NaN)
  const paged = url.searchParams.has('_page') || url.searchParams.has('_limit')
  const limit = Number(url.searchParams.get('_limit') ?? (paged ? 10 : Math.max(items.length, 1)))
  const page = Number.isFinite(start)
    ? Math.floor(start / limit) + 1
    : Number(url.searchParams.get('_page') ?? 1)
  const pages = Math.max(1, Math.ceil(total / limit))
  const link = (target: number): string | number | null => {
    if (target < 1 || target > pages) return null
    if (envelope.numericLinks) return target
    const next = new URL(url)
    const name = shape.paging._page ?? '_page'
    next.searchParams.delete('_page')
    next.searchParams.set(name, String(target))
    if (shape.paging._limit !== undefined && next.searchParams.has('_limit')) {
      next.searchParams.set(shape.paging._limit, next.searchParams.get('_limit')!)
      next.searchParams.delete('_limit')
    }
    return `${next.pathname}${next.search}`
  }
  const values: Record<string, unknown> = {
    total,
    page,
    limit,
    pages,
    offset: Number.isFinite(start) ? start : (page - 1) * limit,
    next: link(page + 1),
    prev: link(page - 1),
    hasMore: page < pages,
  }
  const body: Record<string, unknown> = { ...envelope.constants }
  for (const [name, role] of Object.entries(envelope.roles)) body[name] = values[role]
  body[envelope.items] = items
  return body
}
