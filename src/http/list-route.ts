import type { Context } from 'hono'
import type { Engine } from '../core/engine.ts'
import type { ResourceDef } from '../core/manifest/types.ts'
import {
  buildLinkHeader,
  checkParamCount,
  executeListQuery,
  parseListQuery,
  type QueryParams,
} from '../core/query/index.ts'
import type { NestedScope } from './nested-scope.ts'
import { recordsJson } from './records-json.ts'
import type { Responder } from './respond.ts'

/**
 * GET /name (or GET /parent/:id/name when `scope` is given): filters, q, sort, paging and relations
 * (DESIGN 3.3), with X-Total-Count always and a Link header when paged.
 */
export function handleList(
  c: Context,
  engine: Engine,
  resource: ResourceDef,
  responder: Responder,
  scope?: NestedScope,
): Response {
  const url = c.req.url
  const params = queryPairs(url)
  const query = parseListQuery(params, resource, engine.manifest)
  const result =
    scope === undefined
      ? executeListQuery(engine.list(resource.name), query, engine, { stableRecords: true })
      : executeListQuery(engine.childrenOf(resource.name, scope.field, scope.parentId), query, engine)
  const headers: Record<string, string> = { 'x-total-count': String(result.total) }
  if (result.page !== undefined) {
    const question = url.indexOf('?')
    headers.link = buildLinkHeader(question === -1 ? url : url.slice(0, question), params, result.page)
  }
  return responder.json(c, 200, recordsJson(result.items), headers)
}

/** The query string as ordered pairs, repeated keys kept ("+" and %XX decoded like json-server). */
export function queryPairs(url: string): QueryParams {
  const question = url.indexOf('?')
  if (question === -1 || question === url.length - 1) return []
  const query = url.slice(question + 1)
  // refuse a flood of parameters before building them (URLSearchParams would decode every one)
  checkParamCount(countParams(query))
  return [...new URLSearchParams(query)]
}

function countParams(query: string): number {
  let count = 1
  for (let at = query.indexOf('&'); at !== -1; at = query.indexOf('&', at + 1)) count++
  return count
}
