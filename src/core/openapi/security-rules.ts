import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import type { DocumentRefs } from './document-refs.ts'
import type { DocumentOperation } from './openapi-paths.ts'
import { DEMO_CREDENTIALS } from './security-auth.ts'

/** One credential a security scheme asks for. */
export interface CredentialRule {
  scheme: string
  kind: 'apiKey' | 'bearer' | 'basic'
  /** apiKey only: where the key travels, and under which name */
  in?: 'header' | 'query' | 'cookie'
  name?: string
}

/**
 * What an operation requires: any one of the alternatives, each a list of credentials all needed
 * (OpenAPI's security requirement objects). An empty alternative means anonymous access is allowed;
 * undefined: the operation is open.
 */
export type SecurityAlternatives = CredentialRule[][]

/**
 * The security requirements of an operation (its own `security`, else the document's), with each scheme
 * read from `components.securitySchemes`: apiKey, http bearer, http basic, oauth2 and openIdConnect
 * (bearer tokens). Schemes restmock cannot check (mutualTLS, unknown ones) are left out.
 */
export function securityOf(
  operation: DocumentOperation,
  document: PlainObject,
  refs: DocumentRefs,
): SecurityAlternatives | undefined {
  const requirements = Array.isArray(operation.operation.security)
    ? operation.operation.security
    : Array.isArray(document.security)
      ? document.security
      : undefined
  if (requirements === undefined || requirements.length === 0) return undefined
  const components = isPlainObject(document.components) ? document.components : {}
  const schemes = isPlainObject(components.securitySchemes) ? components.securitySchemes : {}
  const alternatives: SecurityAlternatives = []
  for (const requirement of requirements) {
    if (!isPlainObject(requirement)) continue
    const rules: CredentialRule[] = []
    for (const name of Object.keys(requirement)) {
      const rule = credentialRule(name, refs.follow(schemes[name]).node)
      if (rule !== undefined) rules.push(rule)
    }
    alternatives.push(rules)
  }
  return alternatives.some((rules) => rules.length === 0) ? undefined : alternatives
}

function credentialRule(name: string, scheme: unknown): CredentialRule | undefined {
  if (!isPlainObject(scheme)) return undefined
  if (scheme.type === 'apiKey' && typeof scheme.name === 'string') {
    const place = scheme.in === 'query' || scheme.in === 'cookie' ? scheme.in : 'header'
    return { scheme: name, kind: 'apiKey', in: place, name: scheme.name }
  }
  if (scheme.type === 'http' && typeof scheme.scheme === 'string') {
    const kind = scheme.scheme.toLowerCase()
    if (kind === 'basic') return { scheme: name, kind: 'basic' }
    if (kind === 'bearer') return { scheme: name, kind: 'bearer' }
    return undefined
  }
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return { scheme: name, kind: 'bearer' }
  return undefined
}

/**
 * How a client satisfies a credential rule, for the startup listing and 401 details. With `auth` (the
 * schemes mapped onto the auth simulation) bearer tokens and header keys are the demo credentials.
 */
export function credentialHint(rule: CredentialRule, auth = false): string {
  if (rule.kind === 'bearer' && auth)
    return `Authorization: Bearer ${DEMO_CREDENTIALS.token} (or a token from POST /__restmock/oauth/token: client ${DEMO_CREDENTIALS.client}/${DEMO_CREDENTIALS.secret}, user ${DEMO_CREDENTIALS.user}/${DEMO_CREDENTIALS.password})`
  if (rule.kind === 'apiKey' && rule.in === 'header' && auth)
    return `${rule.name}: ${DEMO_CREDENTIALS.apiKey}`
  if (rule.kind === 'bearer') return 'Authorization: Bearer <any token>'
  if (rule.kind === 'basic') return 'Authorization: Basic <base64 of any user:password>'
  if (rule.in === 'query') return `?${rule.name}=<any key>`
  if (rule.in === 'cookie') return `Cookie: ${rule.name}=<any key>`
  return `${rule.name}: <any key>`
}
