import { randomInt } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import type { Faker } from '@faker-js/faker'
import { ConfigError } from '../core/errors.ts'
import type { Issue } from '../core/manifest/model.ts'
import { parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { checkManifest, type ManifestReport } from '../core/manifest/validate-manifest.ts'
import { isOpenApiLike } from '../core/openapi/detect-openapi.ts'
import { isDataModule, readData, readSourceFile, runDataModule } from './load-source.ts'
import { loadFakerSync, MANIFEST_CHECKS } from './seed-generation.ts'

/** A manifest read without stopping at its first problem, with its seed data when that can be read. */
export interface ManifestSource {
  /** absolute path of the manifest */
  path: string
  raw: unknown
  /** 1-based line of a dotted path in the manifest */
  lineOf: (path: string) => number | undefined
  report: ManifestReport
  /** absolute path of the seed data file or folder, when there is one */
  dataPath?: string
  /** true when the path comes from the manifest's `data` (not from --data) */
  dataFromManifest: boolean
  /** the raw seed data: {} without a data path, undefined when it cannot be read */
  data: unknown
  /** why the seed data cannot be read */
  dataIssues: Issue[]
  /** the data path names nothing (yet) */
  dataMissing: boolean
}

/**
 * Reads `path` as a manifest, collecting problems instead of throwing at the first stage; undefined when
 * the source is not a manifest (a json-server db.json or an OpenAPI document: loadSource handles those).
 * Unreadable or unparseable manifests still throw, since nothing else can be checked then.
 */
export function readManifestSource(
  path: string,
  options: { dataPath?: string } = {},
): ManifestSource | undefined {
  const absolute = resolve(path)
  const parsed = parseYamlOrJson(readSourceFile(absolute, 'source'), path)
  const value = parsed.value
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  if (isOpenApiLike(value)) return undefined
  const resources = isObject ? (value as { resources?: unknown }).resources : undefined
  const looksLikeManifest =
    /\.ya?ml$/i.test(absolute) ||
    (typeof resources === 'object' && resources !== null && !Array.isArray(resources))
  if (!looksLikeManifest) return undefined

  const report = checkManifest(value, { source: path, lineOf: parsed.lineOf, checks: MANIFEST_CHECKS })
  const manifestData = report.manifest?.data
  const dataPath =
    options.dataPath !== undefined
      ? resolve(options.dataPath)
      : manifestData !== undefined
        ? resolve(dirname(absolute), manifestData)
        : undefined
  const source: ManifestSource = {
    path: absolute,
    raw: value,
    lineOf: parsed.lineOf,
    report,
    dataFromManifest: options.dataPath === undefined,
    data: {},
    dataIssues: [],
    dataMissing: false,
  }
  if (dataPath === undefined) return source
  source.dataPath = dataPath
  const where = options.dataPath === undefined ? 'data' : '--data'
  if (statSync(dataPath, { throwIfNoEntry: false }) === undefined) {
    source.data = undefined
    source.dataMissing = true
    const issue: Issue = {
      path: where,
      message: `${displayPath(dataPath)} does not exist; fix the path, or create the file with \`restmock generate ${path} --out ${displayPath(dataPath)}\``,
    }
    const line = where === 'data' ? parsed.lineOf('data') : undefined
    source.dataIssues.push(line === undefined ? issue : { ...issue, line })
    return source
  }
  // a data module is run by the caller, which may wait for it (readManifestSource cannot)
  if (isDataModule(dataPath)) return source
  try {
    source.data = readData(dataPath)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    source.data = undefined
    const label = displayPath(dataPath)
    source.dataIssues.push(
      ...(error.issues.length === 0
        ? [{ path: where, message: error.message }]
        : error.issues.map((issue) => ({
            ...issue,
            path: issue.path === '' ? label : `${label}: ${issue.path}`,
          }))),
    )
  }
  return source
}

/** The random seed serving would use: --seed, else the manifest's, else a random one. */
export function effectiveSeed(source: ManifestSource, seed?: number): number {
  return seed ?? source.report.manifest?.seed ?? randomInt(0, 2 ** 31)
}

/**
 * faker for the manifest's locale; English when the locale is unknown (that problem is reported by
 * the manifest checks, and generation can still be checked).
 */
export function fakerForManifest(source: ManifestSource, locale?: string): () => Faker {
  let faker: Faker | undefined
  return () => {
    if (faker !== undefined) return faker
    try {
      faker = loadFakerSync(locale ?? source.report.manifest?.locale ?? 'en')
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      faker = loadFakerSync('en')
    }
    return faker
  }
}

/** Lines of a JSON data file, parsed only when a problem needs one. */
export function dataLines(source: ManifestSource): ((path: string) => number | undefined) | undefined {
  const file = source.dataPath
  if (file === undefined || !/\.json$/i.test(file)) return undefined
  let lineOf: ((path: string) => number | undefined) | undefined
  return (path) => {
    if (lineOf === undefined) {
      try {
        lineOf = parseYamlOrJson(readFileSync(file, 'utf8'), file).lineOf
      } catch {
        lineOf = () => undefined
      }
    }
    return lineOf(path)
  }
}

/** Relative to the working directory when that is shorter: what a user would type. */
export function displayPath(path: string): string {
  const near = relative(process.cwd(), path)
  return near !== '' && near.length < path.length ? near : path
}

/** A manifest whose data is a module (`data: ./db.js`): its records, or the problem running it. */
export async function runSourceDataModule(source: ManifestSource): Promise<void> {
  if (source.dataPath === undefined || !isDataModule(source.dataPath) || source.dataMissing) return
  try {
    source.data = await runDataModule(source.dataPath, displayPath(source.dataPath))
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    source.data = undefined
    source.dataIssues.push({ path: source.dataFromManifest ? 'data' : '--data', message: error.message })
  }
}
