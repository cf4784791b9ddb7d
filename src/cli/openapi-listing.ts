import type { Manifest } from '../core/manifest/model.ts'

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
