import { statSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from '../core/errors.ts'
import type { Extension } from '../http/extensions.ts'

const EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'])

/** A file to load: as written (for messages), and the folder it is relative to. */
export interface ExtensionFile {
  path: string
  base: string
}

/** The files of --middlewares (relative to the working directory) and of the manifest's `extensions`. */
export function extensionFiles(
  middlewares: string | readonly string[] | undefined,
  manifestExtensions: readonly string[] | undefined,
  manifestFolder: string | undefined,
): ExtensionFile[] {
  const files = [middlewares ?? []].flat().map((path) => ({ path, base: process.cwd() }))
  for (const path of manifestExtensions ?? []) files.push({ path, base: manifestFolder ?? process.cwd() })
  return files
}

/**
 * Import each file and take its default export: a function, or a list of functions (as
 * `module.exports = [auth, stamp]`). Anything that keeps a file from loading is a ConfigError naming it.
 */
export async function loadExtensions(files: readonly ExtensionFile[]): Promise<Extension[]> {
  const loaded: Extension[] = []
  for (const { path, base } of files) {
    const absolute = resolve(base, path)
    if (!EXTENSIONS.has(extname(absolute).toLowerCase())) {
      throw new ConfigError(`the middleware ${path} must be a .js, .mjs, .cjs or .ts file`, [])
    }
    if (statSync(absolute, { throwIfNoEntry: false })?.isFile() !== true) {
      throw new ConfigError(`the middleware ${path} does not exist (looked for ${absolute})`, [])
    }
    let exported: unknown
    try {
      const module = (await import(pathToFileURL(absolute).href)) as { default?: unknown }
      exported = module.default
      // a CommonJS module compiled from ESM: module.exports = { default: fn }
      if (isObject(exported) && typeof exported.default === 'function') exported = exported.default
    } catch (error) {
      throw loadFailed(path, error)
    }
    const handlers = Array.isArray(exported) ? exported : [exported]
    if (handlers.length === 0 || !handlers.every((handler) => typeof handler === 'function')) {
      throw new ConfigError(
        `the middleware ${path} must default-export a function: (api) => {} for a restmock extension, ` +
          `or (req, res, next) => {} for an Express middleware; got ${describe(exported)}`,
        [],
      )
    }
    for (const handler of handlers) loaded.push({ file: path, handler })
  }
  return loaded
}

function loadFailed(path: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return new ConfigError(
      `the middleware ${path} is TypeScript, which Node cannot load by itself: compile it to .js, ` +
        'write it as .js/.mjs, or run restmock with a TypeScript loader (node --import tsx)',
      [],
    )
  }
  const reason = error instanceof Error ? error.message : String(error)
  return new ConfigError(`the middleware ${path} failed to load: ${reason}`, [])
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function describe(value: unknown): string {
  if (value === undefined) return 'no default export'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list that is not all functions'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
