import { ConfigError } from '../core/errors.ts'
import { checkSource } from '../core/generate/source-check.ts'
import type { StateData } from '../core/store.ts'
import { assembleLoaded } from '../server/build-mock.ts'
import {
  dataLines,
  displayPath,
  effectiveSeed,
  fakerForManifest,
  readManifestSource,
  runSourceDataModule,
} from '../server/inspect-source.ts'
import { preloadOpenApi, withReferencedOpenApi } from '../server/load-openapi.ts'
import { isDataModule, loadAnySource, loadDataModule } from '../server/load-source.ts'
import type { ValidateArgs } from './commands.ts'
import { type CliStreams, EXIT_OK, processStreams } from './output.ts'

/**
 * Check a source the way serving does, every stage in one pass: the manifest, its seed data, and that
 * the `count` records can be generated. Every problem is listed (a ConfigError: exit 1), or a one-line
 * summary is printed (exit 0).
 */
export async function runValidate(
  args: ValidateArgs,
  streams: CliStreams = processStreams(),
): Promise<number> {
  const dataOption = args.data === undefined ? {} : { dataPath: args.data }
  if (isDataModule(args.source)) {
    // a db.js module: loading it (running its default export) and checking its records lists everything
    const { manifest, seed } = assembleLoaded(await loadDataModule(args.source, dataOption), {})
    print(
      streams.stdout,
      args.source,
      'json-server data module',
      Object.keys(manifest.resources).length,
      seed,
      0,
    )
    return EXIT_OK
  }
  const source = readManifestSource(args.source, dataOption)
  if (source === undefined) {
    // a json-server data file or an OpenAPI document: loading it already lists everything
    const loaded = await loadAnySource(args.source, dataOption)
    const { manifest, seed } = assembleLoaded(loaded, {})
    const kind =
      loaded.kind === 'db'
        ? 'json-server data file'
        : loaded.manifest.openapiRoutes
          ? 'OpenAPI document'
          : 'manifest'
    print(streams.stdout, args.source, kind, Object.keys(manifest.resources).length, seed, 0)
    return EXIT_OK
  }
  await runSourceDataModule(source)
  const lineOf = dataLines(source)
  const dataLabel = source.dataPath === undefined ? 'data' : displayPath(source.dataPath)
  const result = checkSource({
    report: source.report,
    lineOf: source.lineOf,
    declared: declaredResources(source.raw),
    data: source.data,
    dataLabel,
    ...(lineOf === undefined ? {} : { dataLineOf: lineOf }),
    seed: effectiveSeed(source),
    faker: fakerForManifest(source),
  })
  // the manifest's problems in the order of its lines, then those of the seed data
  const issues = [...result.issues]
  issues.sort((a, b) => (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY))
  issues.push(...source.dataIssues, ...result.dataIssues)
  if (issues.length > 0) {
    // a data file that does not exist is the manifest's problem (its `data` path), not the file's
    const inManifest = result.issues.length > 0 || source.dataMissing
    const inData = result.dataIssues.length > 0 || (source.dataIssues.length > 0 && !source.dataMissing)
    const files = [...(inManifest ? [args.source] : []), ...(inData ? [dataLabel] : [])]
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
    const verb = files.length === 1 ? 'has' : 'have'
    throw new ConfigError(`${files.join(' and ')} ${verb} ${count}:`, issues, args.source)
  }
  const manifest = source.report.manifest!
  // `openapi: ./api.yaml`: the document must load too
  withReferencedOpenApi(manifest, source.path, await preloadOpenApi(args.source))
  const generated = Object.values(result.generated).reduce((sum, n) => sum + n, 0)
  print(
    streams.stdout,
    args.source,
    'manifest',
    Object.keys(manifest.resources).length,
    result.state ?? {},
    generated,
  )
  return EXIT_OK
}

function print(
  stdout: CliStreams['stdout'],
  source: string,
  kind: string,
  resources: number,
  seed: StateData,
  generated: number,
): void {
  let records = 0
  for (const value of Object.values(seed)) records += Array.isArray(value) ? value.length : 0
  const plus = generated === 0 ? '' : ` (+${generated} generated at start from \`count\`)`
  stdout.write(
    `${source}: valid ${kind}, ${resources} resource${resources === 1 ? '' : 's'}, ${records} seed record${records === 1 ? '' : 's'}${plus}\n`,
  )
}

function declaredResources(raw: unknown): string[] {
  const resources = (raw as { resources?: unknown } | null)?.resources
  return typeof resources === 'object' && resources !== null && !Array.isArray(resources)
    ? Object.keys(resources)
    : []
}
