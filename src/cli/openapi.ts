import { writeFile } from 'node:fs/promises'
import { stringify } from 'yaml'
import { ConfigError } from '../core/errors.ts'
import { exportOpenApi, type OpenApiDocument, openApiJson } from '../core/openapi/export-document.ts'
import { displayPath } from '../server/inspect-source.ts'
import { fileErrorReason, loadAnySource } from '../server/load-source.ts'
import type { OpenApiArgs } from './commands.ts'
import { type CliStreams, EXIT_OK, processStreams } from './output.ts'

/** Load and validate the source as serving does, then write its document. Resolves to the exit code. */
export async function runOpenApi(
  args: OpenApiArgs,
  { stdout, stderr }: CliStreams = processStreams(),
): Promise<number> {
  const loaded = await loadAnySource(args.source)
  const document = exportOpenApi(loaded.manifest, { includeAdmin: args.includeAdmin === true })
  if (args.out === undefined) {
    // a reader that stops early (`| head`) is not an error
    stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
    })
    stdout.write(openApiJson(document))
    return EXIT_OK
  }
  try {
    await writeFile(args.out, documentText(document, /\.ya?ml$/i.test(args.out) ? 'yaml' : 'json'))
  } catch (error) {
    throw new ConfigError(`--out ${displayPath(args.out)} ${fileErrorReason(error)}`, [])
  }
  const operations = Object.values(document.paths as Record<string, object>)
    .flatMap((item) => Object.keys(item))
    .filter((key) => key !== 'parameters' && key !== 'servers').length
  stderr.write(`wrote ${displayPath(args.out)}: OpenAPI 3.1, ${operations} operations\n`)
  return EXIT_OK
}

/** JSON as GET /__restmock/openapi.json answers it, or the same document as YAML. */
export function documentText(document: OpenApiDocument, format: 'json' | 'yaml'): string {
  if (format === 'json') return openApiJson(document)
  // shared subschemas are written out in full: anchors and aliases would puzzle most OpenAPI tools
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 })
}
