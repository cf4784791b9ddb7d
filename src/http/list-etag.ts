import type { Engine } from '../core/engine.ts'
import type { ListQuery } from '../core/query/execute.ts'
import { etagOf } from '../core/records.ts'

/** Tags from an earlier run of the server (versions restart at 0) never match this run's. */
const RUN = Math.round(performance.timeOrigin).toString(36)

/**
 * Weak ETag of a list response, without serializing or hashing the body: the hash of the request URL
 * (path and query, so the same query gets the same tag) and the write versions of the collection and of
 * every collection `_embed` / `_expand` reads. A write that changes any of them gives a new tag; a write
 * elsewhere leaves it alone. Weak, because equal tags promise the same records, not the same bytes.
 */
export function listEtag(engine: Engine, resource: string, query: ListQuery, url: string): string {
  let key = `${RUN} ${url} ${engine.versionOf(resource) ?? ''}`
  for (const embed of query.shape.embed) key += ` ${engine.versionOf(embed.child) ?? ''}`
  for (const expand of query.shape.expand) key += ` ${engine.versionOf(expand.parent) ?? ''}`
  return `W/${etagOf(key)}`
}
