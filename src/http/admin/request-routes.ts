import type { Hono } from 'hono'
import { didYouMean, RestmockError } from '../../core/errors.ts'
import { checkJournalFilter, type JournalEntry, type JournalFilter } from '../../core/request-journal.ts'
import { describeEntry } from '../journal/journal-view.ts'
import type { AdminContext } from './admin-api.ts'
import { adminRoute, NO_CONTENT } from './admin-api.ts'

const FILTERS = ['method', 'path', 'status', 'session'] as const

/** The request journal: `GET /requests?method=POST&path=/orders&status=5xx` -> `{ count, requests }`. */
export function registerRequestRoutes(app: Hono, admin: AdminContext): void {
  const { journal } = admin.runtime
  const basePath = admin.engine.manifest.basePath
  const describe = (entry: JournalEntry) => describeEntry(entry, admin.redactHeaders)

  adminRoute(
    app,
    '/requests',
    {
      GET: async (c) => {
        const filter = readFilter(c.req.queries(), basePath)
        const entries = journal.list(filter)
        // bodies still being read (responses not built from text) finish within a few ticks
        const pending = entries.flatMap((entry) => entry.response?.pending ?? [])
        if (pending.length > 0) await Promise.all(pending)
        const requests = entries.map(describe)
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
  // paths may be written relative to basePath, like everywhere else in the admin API (the auth
  // server's /__restmock/oauth/* and /.well-known/* are never under it)
  const own = filter.path?.startsWith('/__restmock/') === true
  if (filter.path !== undefined && basePath !== '' && !filter.path.startsWith(basePath) && !own) {
    filter.path = `${basePath}${filter.path}`
  }
  return filter
}
