import type { Manifest, ResourceDef } from '../manifest/model.ts'
import { requirementFor } from './access-policy.ts'
import { grantedScopes } from './auth-config.ts'

/** An OpenAPI 3.1 Security Scheme Object (the kinds restmock declares). */
export type SecurityScheme =
  | { type: 'http'; scheme: 'bearer'; bearerFormat: 'JWT'; description: string }
  | { type: 'apiKey'; in: 'header'; name: string; description: string }
  | { type: 'oauth2'; description: string; flows: Record<string, OAuthFlow> }

export interface OAuthFlow {
  tokenUrl: string
  refreshUrl?: string
  scopes: Record<string, string>
}

/** One alternative of an operation's `security` list: scheme name -> scopes. */
export type SecurityRequirement = Record<string, string[]>

export const TOKEN_URL = '/__restmock/oauth/token'

/**
 * The `components.securitySchemes` of a manifest's OpenAPI document, or undefined without `auth`:
 * bearer JWTs (always: tokens can be minted for any user or client), the API key header when keys
 * are declared, and OAuth 2 flows for the declared clients (client credentials) and users (password).
 */
export function securitySchemesFor(manifest: Manifest): Record<string, SecurityScheme> | undefined {
  const config = manifest.auth
  if (config === undefined) return undefined
  const scopes: Record<string, string> = {}
  for (const scope of grantedScopes(config)) scopes[scope] = `the ${scope} scope`
  const schemes: Record<string, SecurityScheme> = {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `an access token from ${TOKEN_URL}, or a static token of the manifest`,
    },
  }
  if (Object.keys(config.apiKeys.keys).length > 0) {
    schemes.apiKeyAuth = {
      type: 'apiKey',
      in: 'header',
      name: config.apiKeys.header,
      description: 'an API key of the manifest',
    }
  }
  const flows: Record<string, OAuthFlow> = {}
  if (Object.keys(config.clients).length > 0) flows.clientCredentials = { tokenUrl: TOKEN_URL, scopes }
  if (Object.keys(config.users).length > 0)
    flows.password = { tokenUrl: TOKEN_URL, refreshUrl: TOKEN_URL, scopes }
  if (Object.keys(flows).length > 0) {
    schemes.oauth2 = { type: 'oauth2', description: 'the mock OAuth 2 server', flows }
  }
  return schemes
}

/**
 * The `security` of one operation (`method` on `resource`): the alternatives that satisfy it, each
 * with the scopes it needs; `[]` for an operation open to anyone; undefined without `auth`. Rows
 * owned by users need a user's token, so API keys are not offered there.
 */
export function operationSecurity(
  manifest: Manifest,
  resource: ResourceDef,
  method: string,
): SecurityRequirement[] | undefined {
  const config = manifest.auth
  const schemes = securitySchemesFor(manifest)
  if (config === undefined || schemes === undefined) return undefined
  const requirement = requirementFor(config, resource, method.toUpperCase())
  if (requirement === undefined) return []
  const scopes = [...requirement.scopes]
  const alternatives: SecurityRequirement[] = [{ bearerAuth: [] }]
  if (schemes.oauth2 !== undefined) alternatives.push({ oauth2: scopes })
  if (schemes.apiKeyAuth !== undefined && !requirement.user) alternatives.push({ apiKeyAuth: [] })
  return alternatives
}
