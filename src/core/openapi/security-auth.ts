import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import type { DocumentRefs } from './document-refs.ts'
import type { ImportedResource } from './import-resources.ts'
import type { DocumentOperation } from './openapi-paths.ts'

/** The credentials a document's security schemes get when it is served: printed at startup. */
export const DEMO_CREDENTIALS: Readonly<Record<string, string>> = Object.freeze({
  apiKey: 'demo-api-key',
  token: 'demo-token',
  client: 'demo-client',
  secret: 'demo-secret',
  user: 'demo',
  password: 'demo',
})

type Scheme = { kind: 'apiKey'; header: string } | { kind: 'bearer' } | { kind: 'oauth2'; scopes: string[] }

/** What a document's security amounts to in a manifest: an `auth` block and each resource's `auth`. */
export interface ImportedAuth {
  auth: PlainObject
  resources: Map<string, PlainObject>
  /** the scopes an operation needs from the auth simulation; undefined: open, or a scheme that does not map */
  scopesOf(operation: DocumentOperation): string[] | undefined
}

/**
 * The auth simulation a document's security schemes map onto: an API key in a header -> `apiKeys`,
 * http bearer and OpenID Connect -> `bearer`, OAuth 2 -> the token endpoint (a client and a user),
 * each with a demo credential holding every scope the document declares. A resource's operations
 * then require what their `security` says: authentication, and the OAuth 2 scopes of the cheapest
 * alternative. Undefined when no scheme maps (http basic, keys in a query or cookie keep the check of
 * their form only).
 */
export function importedAuth(
  document: PlainObject,
  refs: DocumentRefs,
  resources: readonly ImportedResource[],
  operations: readonly DocumentOperation[],
): ImportedAuth | undefined {
  const components = isPlainObject(document.components) ? document.components : {}
  const declared = isPlainObject(components.securitySchemes) ? components.securitySchemes : {}
  const schemes = new Map<string, Scheme>()
  for (const [name, raw] of Object.entries(declared)) {
    const scheme = mapped(refs.follow(raw).node)
    if (scheme !== undefined) schemes.set(name, scheme)
  }
  if (schemes.size === 0) return undefined
  const all = [...new Set([...schemes.values()].flatMap((s) => (s.kind === 'oauth2' ? s.scopes : [])))]
  const auth: PlainObject = {}
  const key = [...schemes.values()].find((s) => s.kind === 'apiKey')
  if (key?.kind === 'apiKey')
    auth.apiKeys = { header: key.header, keys: { [DEMO_CREDENTIALS.apiKey!]: { scopes: all } } }
  if ([...schemes.values()].some((s) => s.kind !== 'apiKey'))
    auth.bearer = { tokens: { [DEMO_CREDENTIALS.token!]: { scopes: all } } }
  if ([...schemes.values()].some((s) => s.kind === 'oauth2')) {
    auth.clients = { [DEMO_CREDENTIALS.client!]: { secret: DEMO_CREDENTIALS.secret, scopes: all } }
    auth.users = { [DEMO_CREDENTIALS.user!]: { password: DEMO_CREDENTIALS.password, scopes: all } }
  }

  const byKey = new Map(operations.map((operation) => [`${operation.method} ${operation.path}`, operation]))
  const rules = new Map<string, PlainObject>()
  for (const resource of resources) {
    const needs: { read?: Set<string>; write?: Set<string> } = {}
    for (const covered of resource.covered) {
      const operation = byKey.get(covered)
      const scopes = operation === undefined ? undefined : requiredScopes(operation, document, schemes)
      if (scopes === undefined) continue
      const kind = operation!.method === 'GET' || operation!.method === 'HEAD' ? 'read' : 'write'
      const set = needs[kind] ?? new Set<string>()
      needs[kind] = set
      for (const scope of scopes) set.add(scope)
    }
    const rule: PlainObject = {}
    if (needs.read !== undefined) rule.read = [...needs.read]
    if (needs.write !== undefined) rule.write = [...needs.write]
    if (Object.keys(rule).length > 0) rules.set(resource.name, rule)
  }
  return { auth, resources: rules, scopesOf: (operation) => requiredScopes(operation, document, schemes) }
}

function mapped(raw: unknown): Scheme | undefined {
  if (!isPlainObject(raw)) return undefined
  if (raw.type === 'apiKey' && raw.in === 'header' && typeof raw.name === 'string')
    return { kind: 'apiKey', header: raw.name }
  if (raw.type === 'http' && typeof raw.scheme === 'string' && raw.scheme.toLowerCase() === 'bearer')
    return { kind: 'bearer' }
  if (raw.type === 'openIdConnect') return { kind: 'bearer' }
  if (raw.type === 'oauth2') {
    const scopes = new Set<string>()
    const flows = isPlainObject(raw.flows) ? raw.flows : {}
    for (const flow of Object.values(flows))
      if (isPlainObject(flow) && isPlainObject(flow.scopes))
        for (const s of Object.keys(flow.scopes)) scopes.add(s)
    return { kind: 'oauth2', scopes: [...scopes] }
  }
  return undefined
}

/**
 * The scopes an operation needs, from the alternative of its `security` (or the document's) that asks
 * least; undefined when it is open, or when an alternative uses a scheme that does not map.
 */
function requiredScopes(
  operation: DocumentOperation,
  document: PlainObject,
  schemes: ReadonlyMap<string, Scheme>,
): string[] | undefined {
  const requirements = Array.isArray(operation.operation.security)
    ? operation.operation.security
    : Array.isArray(document.security)
      ? document.security
      : []
  let cheapest: string[] | undefined
  for (const requirement of requirements) {
    if (!isPlainObject(requirement)) continue
    const names = Object.keys(requirement)
    if (names.length === 0) return undefined
    if (!names.every((name) => schemes.has(name))) return undefined
    const scopes = names.flatMap((name) => {
      const listed = requirement[name]
      return schemes.get(name)!.kind === 'oauth2' && Array.isArray(listed) ? listed.map(String) : []
    })
    if (cheapest === undefined || scopes.length < cheapest.length) cheapest = scopes
  }
  return cheapest
}
