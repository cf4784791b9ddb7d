import { RestmockError } from '../core/errors.ts'
import { checkParamCount, MAX_QUERY_PARAMS } from '../core/query/parse-query.ts'
import { isAdminPath } from './admin/admin-api.ts'
import { problemResponse } from './problem.ts'
import type { Responder } from './reply.ts'
import { headerOf } from './request.ts'

/** The shortest query string that can hold more than MAX_QUERY_PARAMS parameters (`a&a&...`). */
const SHORTEST_FLOOD = 2 * MAX_QUERY_PARAMS + 1

/**
 * The 400 invalid_query for a URL with more than 1,000 query parameters, on every route (resources,
 * OpenAPI operations, pages, the admin API, the auth server), before anything decodes them; undefined
 * for any other URL, after one length comparison for an ordinary one.
 */
export function queryFlood(
  request: Request,
  env: unknown,
  path: string,
  responder: Responder,
): Response | undefined {
  const url = request.url
  if (url.length <= SHORTEST_FLOOD) return undefined
  const question = url.indexOf('?')
  if (question === -1 || url.length - question <= SHORTEST_FLOOD) return undefined
  let count = 1
  for (let at = url.indexOf('&', question); at !== -1; at = url.indexOf('&', at + 1)) count++
  try {
    checkParamCount(count)
    return undefined
  } catch (error) {
    if (!(error instanceof RestmockError)) throw error
    // the admin API never gets the resources' CORS grant
    const cors = isAdminPath(path) ? {} : responder.corsFor(headerOf(request, env, 'origin'))
    return problemResponse(error, path, cors)
  }
}
