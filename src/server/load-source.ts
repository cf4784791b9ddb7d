import { readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { parseJsonText, parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { type ManifestCheck, validateManifest } from '../core/manifest/validate-manifest.ts'
import { inferManifest } from '../core/manifest/zero-config.ts'
import { isOpenApiLike } from '../core/openapi/detect-openapi.ts'
import {
  loadOpenApiSource,
  type OpenApiDocuments,
  preloadOpenApi,
  withReferencedOpenApi,
} from './load-openapi.ts'
import { MANIFEST_CHECKS } from './seed-generation.ts'

/** Why a file could not be used, in words that follow its name ("<file> is a folder"). */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EISDIR') return 'is a folder'
  if (code === 'ENOENT') return 'is in a folder that does not exist'
  if (code === 'EACCES' || code === 'EPERM') return 'is not writable'
  return `cannot be used (${(error as Error).message})`
}

export interface LoadedSource {
  kind: 'manifest' | 'db'
  /** absolute path of the manifest or db.json */
  path: string
  manifest: Manifest
  /** raw seed data (json-server db.json shape), {} when there is none */
  data: unknown
  /** absolute path of the data file or folder, when there is one */
  dataPath?: string
  /** where state is kept when --db is not given (docs/persistence.md) */
  defaultStateFile: string
}

export interface LoadOptions {
  /** --data: overrides the manifest's `data` (relative to the working directory) */
  dataPath?: string
  /** extra manifest checks (simulation policies, faker methods) */
  checks?: readonly ManifestCheck[]
  /** --id: the primary key's field name of every collection that sets no `idField` (default "id") */
  idField?: string
  /** OpenAPI documents read ahead with their external $refs merged in (preloadOpenApi) */
  documents?: OpenApiDocuments
  /** data modules (a `data` or --data naming a .js file) already run, by absolute path */
  dataModules?: ReadonlyMap<string, unknown>
}

/** The load options a mock's options imply (--data, --id). */
export function loadOptionsOf(options: { dataPath?: string; idField?: string }): LoadOptions {
  const loadOptions: LoadOptions = {}
  if (options.dataPath !== undefined) loadOptions.dataPath = options.dataPath
  if (options.idField !== undefined) loadOptions.idField = options.idField
  return loadOptions
}

/**
 * Read a manifest (YAML/JSON) or a json-server db.json, validate it and read its seed data. Synchronous:
 * it runs once before serving (nothing else is waiting), and createMock must be synchronous too.
 */
export function loadSource(path: string, options: LoadOptions = {}): LoadedSource {
  const absolute = resolve(path)
  if (isDataModule(absolute)) {
    throw new ConfigError(
      `${path} is a JavaScript module: it is loaded by startMock (and the CLI); for createMock, import it and pass its data as \`data\``,
      [],
    )
  }
  // an OpenAPI document read ahead (preloadOpenApi) is not read and parsed a second time
  const preloaded = options.documents?.get(absolute)
  if (preloaded !== undefined) return loadOpenApiSource(absolute, preloaded, options)
  const text = readSourceFile(absolute, 'source')
  const parsed = parseYamlOrJson(text, path)
  const value = parsed.value
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  if (isOpenApiLike(value)) return loadOpenApiSource(absolute, value, options)
  const looksLikeManifest =
    /\.ya?ml$/i.test(absolute) ||
    (isObject &&
      typeof (value as { resources?: unknown }).resources === 'object' &&
      !Array.isArray((value as { resources?: unknown }).resources))
  if (!looksLikeManifest) {
    const manifest = inferManifest(value, path, options.idField)
    const dataPath = options.dataPath === undefined ? undefined : resolve(options.dataPath)
    const data = dataPath === undefined ? value : seedData(dataPath, options)
    const result: LoadedSource = { kind: 'db', path: absolute, manifest, data, defaultStateFile: absolute }
    if (dataPath !== undefined) result.dataPath = dataPath
    return result
  }
  const manifestOptions = {
    source: path,
    lineOf: parsed.lineOf,
    checks: options.checks ?? MANIFEST_CHECKS,
    ...(options.idField === undefined ? {} : { idField: options.idField }),
  }
  const manifest = withReferencedOpenApi(
    validateManifest(value, manifestOptions),
    absolute,
    options.documents,
  )
  const dataPath =
    options.dataPath !== undefined
      ? resolve(options.dataPath)
      : manifest.data !== undefined
        ? resolve(dirname(absolute), manifest.data)
        : undefined
  const data = dataPath === undefined ? {} : seedData(dataPath, options)
  const defaultStateFile = join(dirname(absolute), `${basename(absolute, extname(absolute))}.state.json`)
  const result: LoadedSource = { kind: 'manifest', path: absolute, manifest, data, defaultStateFile }
  if (dataPath !== undefined) result.dataPath = dataPath
  return result
}

/** A db.js / .mjs / .cjs source: seed data computed by code (json-server 0.17 accepts db.js). */
export function isDataModule(path: string): boolean {
  return /\.(?:m|c)?js$/i.test(path)
}

/**
 * Load a db.js / .mjs / .cjs module whose default export is db.json-shaped data or a (possibly async)
 * function returning it, and serve that data zero-config. A module cannot be written back, so its state
 * is kept in `<name>.state.json` beside it.
 */
export async function loadDataModule(path: string, options: LoadOptions = {}): Promise<LoadedSource> {
  const absolute = resolve(path)
  const exported = await runDataModule(absolute, path)
  const manifest = inferManifest(exported, path, options.idField)
  const dataPath = options.dataPath === undefined ? undefined : resolve(options.dataPath)
  const data =
    dataPath === undefined
      ? exported
      : isDataModule(dataPath)
        ? await runDataModule(dataPath, dataPath)
        : readData(dataPath)
  const defaultStateFile = join(dirname(absolute), `${basename(absolute, extname(absolute))}.state.json`)
  const result: LoadedSource = { kind: 'db', path: absolute, manifest, data, defaultStateFile }
  if (dataPath !== undefined) result.dataPath = dataPath
  return result
}

/**
 * Any source, as startMock and the CLI read it: a db.js module, or a manifest, db.json or OpenAPI
 * document with its external `$ref`s and its data module (`data: ./db.js`) loaded ahead.
 */
export async function loadAnySource(path: string, options: LoadOptions = {}): Promise<LoadedSource> {
  if (isDataModule(path)) return loadDataModule(path, options)
  const documents = await preloadOpenApi(path)
  const dataModules = new Map<string, unknown>()
  for (;;) {
    try {
      return loadSource(path, { ...options, documents, dataModules })
    } catch (error) {
      if (!(error instanceof DataModuleNeeded) || dataModules.has(error.modulePath)) throw error
      dataModules.set(error.modulePath, await runDataModule(error.modulePath, error.modulePath))
    }
  }
}

/** A manifest's data is a module that has not been run: only the asynchronous loader can run it. */
class DataModuleNeeded extends ConfigError {
  readonly modulePath: string
  constructor(modulePath: string) {
    super(
      `data module ${modulePath} is run by startMock (and the CLI); for createMock, import it and pass its data as \`data\``,
      [],
    )
    this.modulePath = modulePath
  }
}

function seedData(path: string, options: LoadOptions): unknown {
  if (!isDataModule(path)) return readData(path)
  if (options.dataModules?.has(path) !== true) throw new DataModuleNeeded(path)
  return options.dataModules.get(path)
}

/**
 * Run a db.js / .mjs / .cjs module whose default export is db.json-shaped data or a (possibly async)
 * function returning it, and answer that data as JSON would hold it.
 */
export async function runDataModule(absolute: string, shown: string): Promise<Record<string, unknown>> {
  if (statSync(absolute, { throwIfNoEntry: false })?.isFile() !== true) {
    readSourceFile(absolute, 'source')
  }
  let exported: unknown
  try {
    // a module edited since it last ran (a reload, a second validate) runs again: past the ESM
    // cache by the file's mtime in the URL, and past the CommonJS cache by its entry
    const version = statSync(absolute).mtimeMs
    delete createRequire(import.meta.url).cache[absolute]
    const url = `${pathToFileURL(absolute).href}?mtime=${version}`
    const module = (await import(url)) as { default?: unknown }
    exported = module.default
    if (typeof exported === 'function') exported = await (exported as () => unknown)()
    // served as JSON from here on, as json-server does: dates become strings, undefined fields vanish
    if (typeof exported === 'object' && exported !== null) exported = JSON.parse(JSON.stringify(exported))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`${shown} failed to load: ${reason}`, [])
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw new ConfigError(
      `${shown} must default-export an object keyed by resource name (as db.json), or a function returning one; got ${describeExport(exported)}`,
      [],
    )
  }
  return exported as Record<string, unknown>
}

function describeExport(value: unknown): string {
  if (value === undefined) return 'no default export'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

/** Seed data: one JSON file, or a folder with one <resource>.json file per resource. */
export function readData(path: string): unknown {
  const info = statSync(path, { throwIfNoEntry: false })
  if (info === undefined) throw new ConfigError(`data file ${path} does not exist`, [])
  if (!info.isDirectory()) return parseJsonText(readSourceFile(path, 'data file'), path)
  const data: Record<string, unknown> = {}
  for (const entry of readdirSync(path).sort()) {
    if (!entry.endsWith('.json')) continue
    const file = join(path, entry)
    data[basename(entry, '.json')] = parseJsonText(readSourceFile(file, 'data file'), file)
  }
  return data
}

/** A source file's text, or a ConfigError saying what is wrong with the path. */
export function readSourceFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`
    throw new ConfigError(`${what} ${path} ${reason}`, [])
  }
}
