import type { Context, Hono } from 'hono'
import { RestmockError } from '../../core/errors.ts'
import type { Manifest } from '../../core/manifest/model.ts'
import { exportOpenApi, openApiJson } from '../../core/openapi/export-document.ts'
import { optionsHeaders } from '../cors.ts'
import { JSON_TYPE, type Responder } from '../reply.ts'
import { ADMIN_BASE, type AdminContext } from './admin-api.ts'

/** One file of the API docs page (the Swagger UI bundle and stylesheet), read by the server layer. */
export interface DocsAsset {
  body: Uint8Array
  contentType: string
}

/** The docs page's static files by name (`swagger-ui-bundle.js`); undefined for a name it does not have. */
export type DocsAssets = (name: string) => DocsAsset | undefined

const ALLOW = 'GET, HEAD, OPTIONS'

/** The document's text per manifest: built on first request, again only for an edited manifest (--watch). */
const documents = new WeakMap<Manifest, { plain?: string; admin?: string }>()

/** The OpenAPI text of a manifest, as `restmock openapi` writes it. */
export function openApiText(manifest: Manifest, includeAdmin: boolean): string {
  let cached = documents.get(manifest)
  if (cached === undefined) {
    cached = {}
    documents.set(manifest, cached)
  }
  const key = includeAdmin ? 'admin' : 'plain'
  cached[key] ??= openApiJson(exportOpenApi(manifest, { includeAdmin }))
  return cached[key]
}

/**
 * `GET /__restmock/openapi.json` (the OpenAPI 3.1 document of the mock; `?includeAdmin=true` adds the
 * admin API) and `GET /__restmock/docs`, interactive API docs rendered in the browser from that
 * document with the assets under `/__restmock/docs/<file>`.
 */
export function registerDocsRoutes(app: Hono, admin: AdminContext, assets: DocsAssets | undefined): void {
  const { responder } = admin
  readOnlyRoute(app, '/openapi.json', responder, (c) => {
    const includeAdmin = booleanQuery(c, 'includeAdmin')
    const text = openApiText(admin.engine.manifest, includeAdmin)
    return new Response(text, { status: 200, headers: { ...responder.cors(c), 'content-type': JSON_TYPE } })
  })
  readOnlyRoute(app, '/docs', responder, (c) => {
    if (assets === undefined) throw noAssets()
    return new Response(docsPage(admin.engine.manifest.name), {
      status: 200,
      headers: { ...responder.cors(c), 'content-type': 'text/html; charset=utf-8' },
    })
  })
  readOnlyRoute(app, '/docs/:file', responder, (c) => {
    const name = c.req.param('file') ?? ''
    if (assets === undefined) throw noAssets()
    const asset = assets(name)
    if (asset === undefined) throw new RestmockError('not_found', `the docs page has no file "${name}"`)
    return new Response(asset.body as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        ...responder.cors(c),
        'content-type': asset.contentType,
        'cache-control': 'public, max-age=3600',
      },
    })
  })
}

function noAssets(): RestmockError {
  return new RestmockError(
    'not_found',
    'the API docs page is not available in this mock (its assets were not given)',
  )
}

/** `?name=true|false`; anything else is a 400 naming the parameter. */
function booleanQuery(c: Context, name: string): boolean {
  const value = c.req.query(name)
  if (value === undefined || value === 'false') return false
  if (value === 'true' || value === '') return true
  throw new RestmockError('invalid_query', `query parameter "${name}=${value}": must be true or false`)
}

/** A GET-only admin path: HEAD and OPTIONS too, 405 with `Allow` for the rest. */
function readOnlyRoute(
  app: Hono,
  path: string,
  responder: Responder,
  handler: (c: Context) => Response,
): void {
  app.all(`${ADMIN_BASE}${path}`, (c) => {
    const method = c.req.method
    if (method === 'OPTIONS')
      return responder.empty(c, 204, optionsHeaders(ALLOW, c, responder.grantsPreflight(c)))
    if (method !== 'GET' && method !== 'HEAD') {
      throw new RestmockError('method_not_allowed', `${method} is not allowed here; allowed: ${ALLOW}`, {
        headers: { allow: ALLOW },
      })
    }
    return handler(c)
  })
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/**
 * The docs page: Swagger UI from the mock itself (no CDN, no validator badge), reading the document
 * from `/__restmock/openapi.json`. Its servers URL is the basePath, so "Try it out" calls this mock.
 */
function docsPage(name: string): string {
  const title = `${escapeHtml(name)} · API docs`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" type="image/png" href="${ADMIN_BASE}/docs/favicon-32x32.png">
<link rel="stylesheet" href="${ADMIN_BASE}/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ADMIN_BASE}/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: '${ADMIN_BASE}/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
})
</script>
</body>
</html>
`
}
