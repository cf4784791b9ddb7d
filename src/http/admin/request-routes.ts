import type { Hono } from 'hono'
import { didYouMean } from '../../core/did-you-mean.ts'
import { RestmockError } from '../../core/errors.ts'
import {
  checkJournalFilter,
  type JournalEntry,
  type JournalFilter,
} from '../../core/simulation/request-journal.ts'
import { adminRoute, NO_CONTENT } from './admin-router.ts'
import type { AdminContext } from './context.ts'

const FILTERS = ['method', 'path', 'status'] as const

/** The request journal: `GET /requests?method=POST&path=/orders&status=5xx` -> `{ count, requests }`. */
export function registerRequestRoutes(app: Hono, admin: AdminContext): void {
  const { journal } = admin.runtime
  const basePath = admin.engine.manifest.basePath

  adminRoute(
    app,
    '/requests',
    {
      GET: (c) => {
        const filter = readFilter(c.req.queries(), basePath)
        const requests = journal.list(filter).map(describeEntry)
        return { body: { count: requests.length, requests } }
      },
      DELETE: () => {
        journal.clear()
        return NO_CONTENT
      },
    },
    admin.responder,
  )
}

function readFilter(query: Record<string, string[]>, basePath: string): JournalFilter {
  const filter: JournalFilter = {}
  for (const [name, values] of Object.entries(query)) {
    if (!(FILTERS as readonly string[]).includes(name)) {
      throw new RestmockError(
        'invalid_query',
        `unknown filter "${name}"${didYouMean(name, FILTERS)}; the request journal filters by ${FILTERS.join(', ')}`,
      )
    }
    filter[name as (typeof FILTERS)[number]] = values.at(-1)!
  }
  const problem = checkJournalFilter(filter)
  if (problem !== undefined) throw new RestmockError('invalid_query', problem)
  // paths may be written relative to basePath, like everywhere else in the admin API
  if (filter.path !== undefined && basePath !== '' && !filter.path.startsWith(basePath)) {
    filter.path = `${basePath}${filter.path}`
  }
  return filter
}

function describeEntry(entry: JournalEntry): Record<string, unknown> {
  const { id, time, method, path, queryString, ...rest } = entry
  return { id, time: new Date(time).toISOString(), method, path, query: queryOf(queryString), ...rest }
}

/** Query parameters as an object: a repeated name maps to the list of its values. */
function queryOf(text: string): Record<string, string | string[]> {
  // no prototype: a parameter named __proto__ is just a parameter
  const query = Object.create(null) as Record<string, string | string[]>
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = query[name]
    query[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}
