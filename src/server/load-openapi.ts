import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import type { Faker } from '@faker-js/faker'
import { ConfigError } from '../core/errors.ts'
import { GENERATION_EPOCH } from '../core/generate/dates.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { parseJsonText, parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { isPlainObject, type PlainObject } from '../core/manifest/reporter.ts'
import { validateManifest } from '../core/manifest/validate-manifest.ts'
import { isOpenApiLike } from '../core/openapi/detect-openapi.ts'
import {
  type ImportedDocument,
  importOpenApi,
  openApiRoutes,
  usableExamples,
} from '../core/openapi/import-document.ts'
import { generatedAnswer } from '../core/openapi/operation-answers.ts'
import type { StatelessOperation } from '../core/openapi/stateless-operations.ts'
import type { LoadedSource, LoadOptions } from './load-source.ts'
import { readSourceFile } from './load-source.ts'
import { loadFakerSync, MANIFEST_CHECKS } from './seed-generation.ts'

/** OpenAPI documents already read with their external `$ref`s merged in, by absolute path. */
export type OpenApiDocuments = ReadonlyMap<string, PlainObject>

const START_BYTES = 8192

/** Whether a file's start may hold an OpenAPI document or a manifest naming one (cheap: no parse). */
function mentionsOpenApi(text: string): boolean {
  return /(?:^|[{,\s])["']?(?:openapi|swagger)["']?\s*:/m.test(text.slice(0, START_BYTES))
}

/** The first few kilobytes of a file as text ('' when it cannot be read: the loader says why). */
function fileStart(path: string): string {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const buffer = Buffer.alloc(START_BYTES)
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, START_BYTES, 0))
  } catch {
    return ''
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Reads, ahead of the synchronous loader, the OpenAPI document a source is or names (`openapi:` in a
 * manifest), merging in the files its `$ref`s point to (@apidevtools/json-schema-ref-parser: relative
 * files, circular refs). Sources that are neither give an empty map; unreadable ones are left to the
 * loader, which reports them.
 */
export async function preloadOpenApi(source: string | undefined): Promise<OpenApiDocuments> {
  const documents = new Map<string, PlainObject>()
  if (source === undefined) return documents
  const absolute = resolve(source)
  // a look at the start first: a large db.json is not read twice
  if (!mentionsOpenApi(fileStart(absolute))) return documents
  let text: string
  try {
    text = readFileSync(absolute, 'utf8')
  } catch {
    return documents
  }
  const value = await parseDocumentText(text, source)
  if (isOpenApiLike(value)) {
    documents.set(absolute, await bundleDocument(absolute, value))
  } else if (isPlainObject(value) && typeof value.openapi === 'string') {
    const path = resolve(dirname(absolute), value.openapi)
    const referenced = await parseDocumentText(readSourceFile(path, 'OpenAPI document'), value.openapi)
    if (isOpenApiLike(referenced)) documents.set(path, await bundleDocument(path, referenced))
  }
  return documents
}

/**
 * JSON, or YAML read by js-yaml: a real-world OpenAPI document is often a megabyte of YAML, which
 * js-yaml reads about three times faster than the YAML reader manifests use (line numbers do not matter
 * here: problems are located by JSON pointer).
 */
async function parseDocumentText(text: string, file: string): Promise<unknown> {
  if (/\.json$/i.test(file)) return parseJsonText(text, file)
  const { load } = await import('js-yaml')
  try {
    return load(text, { filename: file })
  } catch (error) {
    const { reason, mark } = error as { reason?: string; mark?: { line: number } }
    const issue = { path: '', message: reason ?? (error as Error).message }
    throw new ConfigError(
      `${file} is not valid YAML`,
      [mark === undefined ? issue : { ...issue, line: mark.line + 1 }],
      file,
    )
  }
}

async function bundleDocument(path: string, parsed: PlainObject): Promise<PlainObject> {
  // Swagger 2.0 and unknown versions are reported by the importer, before any file is followed
  if (!('openapi' in parsed) || !hasExternalRef(parsed)) return parsed
  const { default: RefParser } = await import('@apidevtools/json-schema-ref-parser')
  try {
    // the parsed document is the root (not read again); relative refs resolve from its path
    return (await RefParser.bundle(path, structuredClone(parsed), { continueOnError: false })) as PlainObject
  } catch (error) {
    throw refError(path, error, externalRefs(parsed, '', 0))
  }
}

function hasExternalRef(node: unknown): boolean {
  return externalRefs(node, '', 0, 1).length > 0
}

/** The `$ref`s to other files, with the JSON pointer of the object holding each. */
function externalRefs(
  node: unknown,
  pointer: string,
  depth: number,
  limit = 1000,
): { ref: string; at: string }[] {
  const found: { ref: string; at: string }[] = []
  const walk = (value: unknown, at: string, level: number): void => {
    if (level > 200 || found.length >= limit) return
    if (Array.isArray(value))
      for (const [index, item] of value.entries()) walk(item, `${at}/${index}`, level + 1)
    if (!isPlainObject(value)) return
    if (typeof value.$ref === 'string' && !value.$ref.startsWith('#')) found.push({ ref: value.$ref, at })
    for (const [key, child] of Object.entries(value))
      if (key !== 'example')
        walk(child, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, level + 1)
  }
  walk(node, pointer, depth)
  return found
}

/** A $ref the parser could not follow, as a ConfigError naming the file and the ref. */
function refError(path: string, error: unknown, refs: { ref: string; at: string }[]): ConfigError {
  const { message, source, path: pointer } = error as { message?: string; source?: unknown; path?: unknown }
  // the $ref of the document itself that names the missing file, when there is one
  const holder =
    typeof source === 'string'
      ? refs.find(({ ref }) => resolve(dirname(path), ref.split('#', 1)[0]!) === source)
      : undefined
  if (holder !== undefined) {
    return new ConfigError(`${relative(process.cwd(), path) || path} has an unresolved $ref:`, [
      {
        path: `#${holder.at}/$ref`,
        message: `${holder.ref} cannot be read (${relative(process.cwd(), source as string)} does not exist or is not a readable YAML/JSON file); fix the path (relative to ${basename(path)}) or add the file`,
      },
    ])
  }
  const where = relative(process.cwd(), typeof source === 'string' ? source : path)
  const reason = (message ?? String(error))
    .replace(/^Error opening file /, 'cannot open ')
    .replace(/: ENOENT.*$/, ' (no such file)')
  return new ConfigError(`${relative(process.cwd(), path) || path} has an unresolved $ref:`, [
    {
      path:
        typeof pointer !== 'string' || pointer === ''
          ? where
          : `${where}${pointer.startsWith('#') ? '' : '#'}${pointer}`,
      message: `${reason}; fix the $ref (paths are relative to the file that holds it) or add the missing file`,
    },
  ])
}

/** An OpenAPI source: the manifest it amounts to, its example records as seed data, its other routes. */
export function loadOpenApiSource(
  absolute: string,
  parsed: PlainObject,
  options: LoadOptions & { documents?: OpenApiDocuments },
): LoadedSource {
  const display = relative(process.cwd(), absolute) || absolute
  const document = options.documents?.get(absolute) ?? parsed
  const imported = importOpenApi(document, display)
  // `openapi` names the document itself: every operation may be left to it
  const manifest = validateManifest(
    { ...imported.manifest, openapi: display },
    {
      source: `${display} (as a manifest)`,
      checks: options.checks ?? MANIFEST_CHECKS,
    },
  )
  const served = withOpenApiRoutes(manifest, imported)
  const data = usableExamples(served, imported.data)
  const defaultStateFile = join(dirname(absolute), `${basename(absolute, extname(absolute))}.state.json`)
  return { kind: 'manifest', path: absolute, manifest: served, data, defaultStateFile }
}

/** A manifest with `openapi: ./api.yaml`: the document's operations its resources do not serve. */
export function withReferencedOpenApi(
  manifest: Manifest,
  manifestPath: string,
  documents: OpenApiDocuments | undefined,
): Manifest {
  if (manifest.openapi === undefined) return manifest
  const path = resolve(dirname(manifestPath), manifest.openapi)
  const document =
    documents?.get(path) ?? parseYamlOrJson(readSourceFile(path, 'OpenAPI document'), manifest.openapi).value
  if (!isOpenApiLike(document)) {
    throw new ConfigError(`${manifestPath} has 1 problem:`, [
      {
        path: 'openapi',
        message: `${manifest.openapi} is not an OpenAPI document (it has no \`openapi\` key)`,
      },
    ])
  }
  return withOpenApiRoutes(manifest, importOpenApi(document, manifest.openapi))
}

function withOpenApiRoutes(manifest: Manifest, imported: ImportedDocument): Manifest {
  const routes = openApiRoutes(imported, new Set(Object.keys(manifest.resources)))
  // answers are generated on first use: a large document starts without generating hundreds of them
  let faker: Faker | undefined
  const generate = (operation: StatelessOperation): unknown => {
    faker ??= loadFakerSync(manifest.locale ?? 'en')
    return generatedAnswer(operation, faker, manifest.seed ?? 1, GENERATION_EPOCH)
  }
  return { ...manifest, openapiRoutes: { ...routes, generate } }
}
