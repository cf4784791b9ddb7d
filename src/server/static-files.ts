import { createReadStream, existsSync, readFileSync, type Stats, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../core/errors.ts'
import type { DocsAsset, DocsAssets } from '../http/admin/docs-routes.ts'

/** Answers a GET/HEAD for an existing file, else undefined (synchronously) so the API answers. */
export type StaticFiles = (request: Request, path: string) => Response | undefined

/** The folder json-server serves when it exists, relative to the working directory. */
export const DEFAULT_STATIC_FOLDER = 'public'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
}

/** The content type of a file name; unknown extensions are sent as bytes. */
export function contentTypeOf(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** The CLI's folders: those given with `--static`, then `./public` when it exists (as json-server). */
export function withDefaultStaticFolder(given: readonly string[], cwd: string = process.cwd()): string[] {
  const fallback = resolve(cwd, DEFAULT_STATIC_FOLDER)
  const exists = statSync(fallback, { throwIfNoEntry: false })?.isDirectory() === true
  return exists ? [...given, fallback] : [...given]
}

/** The folders to serve as absolute paths, each once; a ConfigError names one that is not a folder. */
export function staticFolders(
  given: string | readonly string[] | undefined,
  cwd: string = process.cwd(),
): string[] {
  const folders: string[] = []
  for (const folder of typeof given === 'string' ? [given] : (given ?? [])) {
    const absolute = resolve(cwd, folder)
    if (!statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ConfigError(`the static folder ${absolute} does not exist or is not a folder`, [])
    }
    if (!folders.includes(absolute)) folders.push(absolute)
  }
  return folders
}

/**
 * Serves the files of `folders` (the first folder holding a path wins) for GET and HEAD: a folder's
 * `index.html` answers for the folder, dotfiles and paths outside the folders are never served.
 * Existence is checked synchronously, so a request for no file costs one `stat` per folder and stays
 * on the server's synchronous path. Undefined when there are no folders.
 */
export function serveStaticFiles(folders: readonly string[]): StaticFiles | undefined {
  if (folders.length === 0) return undefined
  const roots = folders.map((folder) => resolve(folder))
  return (request, path) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    const segments = safeSegments(path)
    if (segments === undefined) return undefined
    for (const root of roots) {
      const found = fileIn(root, segments)
      if (found !== undefined) return fileResponse(request, found.file, found.info)
    }
    return undefined
  }
}

/** The decoded path segments, or undefined for anything that could leave the folder or names a dotfile. */
function safeSegments(path: string): string[] | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return undefined
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined
  const segments = decoded.split('/').filter((segment) => segment !== '')
  if (segments.some((segment) => segment.startsWith('.'))) return undefined
  return segments
}

function fileIn(root: string, segments: readonly string[]): { file: string; info: Stats } | undefined {
  const target = resolve(root, ...segments)
  if (target !== root && !target.startsWith(root + sep)) return undefined
  const info = statSync(target, { throwIfNoEntry: false })
  if (info === undefined) return undefined
  if (info.isFile()) return { file: target, info }
  if (!info.isDirectory()) return undefined
  const index = join(target, 'index.html')
  const indexInfo = statSync(index, { throwIfNoEntry: false })
  return indexInfo?.isFile() ? { file: index, info: indexInfo } : undefined
}

function fileResponse(request: Request, file: string, info: Stats): Response {
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(file),
    'last-modified': info.mtime.toUTCString(),
    etag,
    'cache-control': 'no-cache',
  }
  const ifNoneMatch = request.headers.get('if-none-match')
  if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) {
    return new Response(null, { status: 304, headers })
  }
  headers['content-length'] = String(info.size)
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers })
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>
  return new Response(body, { status: 200, headers })
}

/** The files the docs page loads, from the swagger-ui-dist package, with their media types. */
const FILES: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

/**
 * The API docs page's assets, read on first request and kept in memory (about 1.5 MB, shared by every
 * mock of the process). No network: the page works offline. The package ships them in dist/docs-assets
 * (copied from swagger-ui-dist at build time, so installing restmock pulls no swagger-ui-dist and its
 * install-time analytics script); from a checkout, running the sources, they come from swagger-ui-dist.
 * Undefined when neither is there (the page then answers 404 saying so).
 */
export function swaggerUiAssets(): DocsAssets | undefined {
  const folder = docsAssetsFolder()
  if (folder === undefined) return undefined
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

function docsAssetsFolder(): string | undefined {
  const shipped = fileURLToPath(new URL('../docs-assets/', import.meta.url))
  if (existsSync(join(shipped, 'swagger-ui-bundle.js'))) return shipped
  try {
    return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  } catch {
    return undefined
  }
}

const loaded = new Map<string, DocsAsset>()
