import { writeFile } from 'node:fs/promises'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { Document, isMap, isPair, isScalar, visit } from 'yaml'
import { ConfigError } from '../core/errors.ts'
import { parseYamlOrJson } from '../core/manifest/parse-text.ts'
import { isPlainObject, type PlainObject } from '../core/manifest/reporter.ts'
import { validateManifest } from '../core/manifest/validate-manifest.ts'
import { isOpenApiLike } from '../core/openapi/detect-openapi.ts'
import { importOpenApi, openApiRoutes, usableExamples } from '../core/openapi/import-document.ts'
import { displayPath } from '../server/inspect-source.ts'
import { preloadOpenApi } from '../server/load-openapi.ts'
import { fileErrorReason, readSourceFile } from '../server/load-source.ts'
import { MANIFEST_CHECKS } from '../server/seed-generation.ts'
import type { ImportArgs } from './commands.ts'
import { type CliStreams, EXIT_OK, processStreams } from './output.ts'

/**
 * Writes the manifest an OpenAPI document amounts to. Operations a manifest cannot express stay in the
 * document, named by the manifest's `openapi` key; example records go to a data file beside the manifest.
 */
export async function runImport(
  args: ImportArgs,
  { stdout, stderr }: CliStreams = processStreams(),
): Promise<number> {
  const source = resolve(args.openapi)
  const parsed = parseYamlOrJson(readSourceFile(source, 'OpenAPI document'), args.openapi).value
  if (!isOpenApiLike(parsed)) {
    throw new ConfigError(`${args.openapi} is not an OpenAPI document`, [
      {
        path: '',
        message:
          'it has no `openapi` key; restmock import reads OpenAPI 3.0 and 3.1 documents (a restmock manifest or db.json is served as it is)',
      },
    ])
  }
  const document = (await preloadOpenApi(source)).get(source) ?? parsed
  const imported = importOpenApi(document, args.openapi)
  const checked = validateManifest(imported.manifest, {
    source: `${args.openapi} (as a manifest)`,
    checks: MANIFEST_CHECKS,
  })
  const routes = openApiRoutes(imported, new Set(Object.keys(checked.resources)))
  const outDir = args.out === undefined ? process.cwd() : dirname(resolve(args.out))
  const manifest: PlainObject = {}
  const { resources, ...top } = imported.manifest
  Object.assign(manifest, top)
  // the document keeps what the manifest cannot say: other operations, declared security
  if (routes.operations.length > 0 || routes.guards.length > 0)
    manifest.openapi = relativePath(outDir, source)
  const data = usableExamples(checked, imported.data)
  let dataFile: string | undefined
  if (Object.keys(data).length > 0 && args.out !== undefined && manifest.data === undefined) {
    const out = resolve(args.out)
    dataFile = join(dirname(out), `${basename(out, extname(out))}.data.json`)
    manifest.data = relativePath(outDir, dataFile)
  }
  manifest.resources = resources
  const json = args.out !== undefined && /\.json$/i.test(args.out)
  const text = json ? `${JSON.stringify(manifest, null, 2)}\n` : manifestYaml(manifest)
  if (args.out === undefined) {
    stdout.write(text)
  } else {
    await write(args.out, text)
    if (dataFile !== undefined) await write(dataFile, `${JSON.stringify(data, null, 2)}\n`)
  }
  const resourceCount = isPlainObject(resources) ? Object.keys(resources).length : 0
  const kept = routes.operations.length
  stderr.write(
    `restmock: ${args.out === undefined ? 'printed' : `wrote ${args.out}`}: ${resourceCount} resource${resourceCount === 1 ? '' : 's'}` +
      `${kept > 0 ? `, ${kept} other operation${kept === 1 ? '' : 's'} served from ${manifest.openapi as string}` : ''}` +
      `${dataFile !== undefined ? `, example records in ${displayPath(dataFile)}` : ''}\n`,
  )
  return EXIT_OK
}

function relativePath(from: string, to: string): string {
  const path = relative(from, to).split('\\').join('/')
  return path.startsWith('.') ? path : `./${path}`
}

async function write(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text)
  } catch (error) {
    throw new ConfigError(`--out ${path} ${fileErrorReason(error)}`, [])
  }
}

/** YAML a person can read: one line per field (`name: { type: string, required: true }`). */
function manifestYaml(manifest: PlainObject): string {
  const document = new Document(manifest)
  visit(document, {
    Pair(_key, pair, path) {
      const parent = path.at(-2)
      const fieldsKey = isPair(parent) && isScalar(parent.key) && parent.key.value === 'fields'
      if (fieldsKey && isMap(pair.value) && JSON.stringify(pair.value.toJSON()).length <= 100)
        pair.value.flow = true
    },
  })
  return document.toString({ lineWidth: 0 })
}
