import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { DocsAsset, DocsAssets } from '../http/admin/docs-routes.ts'

/** The files the docs page loads, from the swagger-ui-dist package, with their media types. */
const FILES: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

/**
 * The API docs page's assets, read from the installed swagger-ui-dist package on first request and
 * kept in memory (about 1.5 MB, shared by every mock of the process). No network: the page works offline.
 * Undefined when the package cannot be found (the page then answers 404 saying so).
 */
export function swaggerUiAssets(): DocsAssets | undefined {
  let folder: string
  try {
    folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  } catch {
    return undefined
  }
  return (name) => {
    const contentType = Object.hasOwn(FILES, name) ? FILES[name] : undefined
    if (contentType === undefined) return undefined
    let asset = loaded.get(name)
    if (asset === undefined) {
      asset = { body: readFileSync(join(folder, name)), contentType }
      loaded.set(name, asset)
    }
    return asset
  }
}

const loaded = new Map<string, DocsAsset>()
