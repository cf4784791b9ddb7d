import type { Engine } from '../core/engine.ts'
import type { ResourceDef } from '../core/manifest/model.ts'
import { representationOf } from '../core/records.ts'
import type { Responder } from './reply.ts'
import { headerOf } from './request.ts'

export type FastPath = (request: Request, env: unknown, path: string) => Response | undefined

/**
 * The most frequent request of all, `GET <base>/<name>/<id>` without a query string, answered from a
 * table of the collections by name instead of through Hono's router and context. It answers only the
 * plain case: a stored record, requested without a query, an encoded id, a trailing slash or a
 * conditional header. Anything else (and every 404) returns undefined and takes the regular routes,
 * whose answer this one must equal byte for byte (a test compares them). Collections in `skip` (rows
 * owned by users, checked in the routes) always take the routes.
 */
export function itemFastPath(engine: Engine, responder: Responder, skip?: ReadonlySet<string>): FastPath {
  const prefix = `${engine.manifest.basePath}/`
  const collections = new Map<string, ResourceDef>()
  for (const resource of Object.values(engine.manifest.resources))
    if (!resource.singleton && skip?.has(resource.name) !== true) collections.set(resource.name, resource)

  return (request, env, path) => {
    if (request.method !== 'GET' || !path.startsWith(prefix) || request.url.includes('?')) return undefined
    const slash = path.indexOf('/', prefix.length)
    if (slash === -1 || slash === path.length - 1 || path.indexOf('/', slash + 1) !== -1) return undefined
    if (path.includes('%')) return undefined
    const resource = collections.get(path.slice(prefix.length, slash))
    if (resource === undefined) return undefined
    const record = engine.find(resource.name, path.slice(slash + 1))
    if (record === undefined || headerOf(request, env, 'if-none-match') !== undefined) return undefined
    const { text, etag } = representationOf(record)
    return responder.jsonFor(headerOf(request, env, 'origin'), 200, text, { etag })
  }
}
