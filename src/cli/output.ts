import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'

/** Exit codes: 0 ok, 1 bad config or runtime failure, 2 usage error. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export class UsageError extends Error {}

/** Where a command writes: the process's streams, or a test's collectors. */
export interface CliStreams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
}

export function processStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr }
}

/** Print a failure for humans (never a stack trace for expected problems) and return its exit code. */
export function reportFailure(error: unknown, { stderr }: CliStreams = processStreams()): number {
  if (error instanceof UsageError) {
    stderr.write(`restmock: ${error.message}\n`)
    return EXIT_USAGE
  }
  if (error instanceof ConfigError) {
    stderr.write(`restmock: ${error.format()}\n`)
    return EXIT_FAILURE
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'EADDRINUSE') {
    stderr.write('restmock: the port is already in use; choose another with --port (0 picks a free one)\n')
    return EXIT_FAILURE
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    stderr.write(`restmock: cannot listen there (${code}); check --host and --port\n`)
    return EXIT_FAILURE
  }
  stderr.write(`restmock: ${(error as Error | undefined)?.message ?? String(error)}\n`)
  return EXIT_FAILURE
}

const HOW: Record<string, string> = {
  example: 'stateless: the example of its response',
  generated: 'stateless: generated from its response schema',
  'no body': 'stateless: status only',
}

/**
 * One line per operation of the OpenAPI document being served, saying how it is served: by the engine
 * (a stateful resource route) or statelessly from the document. Printed even with --quiet: nothing of the
 * document is dropped without saying so.
 */
export function openApiListing(manifest: Manifest): string[] {
  const listing = manifest.openapiRoutes?.listing
  if (listing === undefined || listing.length === 0) return []
  const width = Math.max(...listing.map((line) => line.method.length + line.path.length + 1))
  const lines = [`  operations (${listing.length}) from the OpenAPI document:`]
  for (const { method, path, servedBy } of listing) {
    const route = `${method} ${manifest.basePath}${path}`
    const how = servedBy.startsWith('resource ')
      ? `stateful: ${servedBy}`
      : (HOW[servedBy] ?? `stateless: ${servedBy}`)
    lines.push(`    ${route.padEnd(width + manifest.basePath.length)}  ${how}`)
  }
  const credentials = manifest.openapiRoutes?.credentials ?? []
  if (credentials.length > 0) {
    lines.push(
      manifest.auth === undefined
        ? '  credentials the document asks for (any well-formed one is accepted):'
        : '  credentials the document asks for:',
    )
    for (const { scheme, hint } of credentials) lines.push(`    ${scheme}: ${hint}`)
  }
  return lines
}
