import type { Engine } from '../core/engine.ts'
import type { ListQuery } from '../core/query/execute.ts'
import { etagOf } from '../core/records.ts'

/** Tags from an earlier run of the server (versions restart at 0) never match this run's. */
const RUN = Math.round(performance.timeOrigin).toString(36)

/** Hashes of recent request URLs: a client polling a list asks for the same few URLs again and again. */
const urlHashes = new Map<string, string>()
/** at most this many URLs of at most this length are remembered (about 0.5 MB) */
const MAX_URLS = 1024
const MAX_URL_LENGTH = 512

function urlHash(url: string): string {
  let hash = urlHashes.get(url)
  if (hash === undefined) {
    hash = etagOf(`${RUN} ${url}`).slice(1, -1)
    if (url.length > MAX_URL_LENGTH) return hash
    if (urlHashes.size >= MAX_URLS) urlHashes.clear()
    urlHashes.set(url, hash)
  }
  return hash
}

/**
 * Weak ETag of a list response, without serializing or hashing the body: a hash of the request URL (path
 * and query, so the same query gets the same tag) followed by the write versions of the collection and of
 * every collection `_embed` / `_expand` reads. A write that changes any of them gives a new tag; a write
 * elsewhere leaves it alone. Weak, because equal tags promise the same records, not the same bytes.
 */
export function listEtag(engine: Engine, resource: string, query: ListQuery, url: string): string {
  let tag = `W/"${urlHash(url)}.${version(engine, resource)}`
  for (const embed of query.shape.embed) tag += `.${version(engine, embed.child)}`
  for (const expand of query.shape.expand) tag += `.${version(engine, expand.parent)}`
  return `${tag}"`
}

function version(engine: Engine, resource: string): string {
  return (engine.versionOf(resource) ?? 0).toString(36)
}
