import type { Engine } from '../core/engine.ts'
import type { Responder } from './reply.ts'

/** A page the app answers before its routes, or undefined when the request is not for one. */
export type PageHook = (request: Request, path: string) => Response | Promise<Response> | undefined

/** One resource as the home page lists it. */
export interface HomeResource {
  name: string
  /** path of its route, basePath included */
  url: string
  /** records in a collection */
  count?: number
  /** true for a singleton (one object, no count) */
  singleton?: true
}

/**
 * json-server's two extra pages: `GET /` (a home page listing every resource, HTML for browsers and
 * JSON otherwise) and `GET <basePath>/db` (the whole state in db.json shape). `/db` belongs to a
 * resource named `db` when there is one.
 */
export function homePages(engine: Engine, responder: Responder): PageHook {
  const base = engine.manifest.basePath
  const dbPath = `${base}/db`
  return (request, path) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    // headers are read only for these two paths: reading them takes a request off the server's fast path
    if (path === '/' || path === '') {
      const origin = request.headers.get('origin') ?? undefined
      const accept = request.headers.get('accept') ?? ''
      const resources = listResources(engine)
      const name = engine.manifest.name
      if (!accept.includes('text/html')) {
        return responder.jsonFor(origin, 200, JSON.stringify({ name, resources }))
      }
      const db = engine.resource('db') === undefined ? dbPath : undefined
      return new Response(request.method === 'HEAD' ? null : homeHtml(name, resources, db), {
        status: 200,
        headers: { ...responder.corsFor(origin), 'content-type': 'text/html; charset=utf-8' },
      })
    }
    if ((path === dbPath || path === `${dbPath}/`) && engine.resource('db') === undefined) {
      const origin = request.headers.get('origin') ?? undefined
      return responder.jsonFor(origin, 200, JSON.stringify(engine.snapshot()))
    }
    return undefined
  }
}

/** Every resource with its route and record count (singletons are marked instead of counted). */
export function listResources(engine: Engine): HomeResource[] {
  const { basePath, resources } = engine.manifest
  return Object.values(resources).map((resource) => {
    const url = `${basePath}/${resource.name}`
    if (resource.singleton) return { name: resource.name, url, singleton: true }
    return { name: resource.name, url, count: engine.store.collection(resource.name)?.size ?? 0 }
  })
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)
}

/** A small self-contained page: no scripts, no external styles or fonts. */
function homeHtml(name: string, resources: readonly HomeResource[], dbPath: string | undefined): string {
  const rows = resources
    .map((resource) => {
      const url = escapeHtml(resource.url)
      const size =
        resource.singleton === true
          ? 'singleton'
          : `${resource.count} record${resource.count === 1 ? '' : 's'}`
      return `<li><a href="${url}">${url}</a> <small>${size}</small></li>`
    })
    .join('\n')
  const title = escapeHtml(name)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
small { color: #666; }
li { margin: 0.25rem 0; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>Resources served by restmock:</p>
<ul>
${rows.length === 0 ? '<li>none</li>' : rows}
</ul>
${dbPath === undefined ? '' : `<p><a href="${escapeHtml(dbPath)}">${escapeHtml(dbPath)}</a> answers the whole state.</p>\n`}</body>
</html>
`
}
