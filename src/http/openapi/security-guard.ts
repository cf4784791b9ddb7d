import type { Context, Hono } from 'hono'
import { RestmockError } from '../../core/errors.ts'
import {
  type CredentialRule,
  credentialHint,
  type SecurityAlternatives,
} from '../../core/openapi/security-rules.ts'
import { requestHeader } from '../request.ts'

/**
 * Throws a 401 problem unless the request carries a well-formed credential of a kind the operation
 * declares (any value is accepted: the mock simulates the handshake, not the identity).
 */
export function checkCredentials(c: Context, security: SecurityAlternatives | undefined): void {
  if (security === undefined) return
  if (security.some((rules) => rules.every((rule) => present(c, rule)))) return
  const first = security[0]!
  const wanted = security
    .map((rules) => rules.map((rule) => credentialHint(rule)).join(' and '))
    .join(', or ')
  const kind = first.find((rule) => rule.kind !== 'apiKey')?.kind
  const headers: Record<string, string> =
    kind === 'basic'
      ? { 'www-authenticate': 'Basic realm="restmock"' }
      : { 'www-authenticate': 'Bearer realm="restmock"' }
  throw new RestmockError('unauthenticated', `this operation needs credentials: send ${wanted}`, { headers })
}

function present(c: Context, rule: CredentialRule): boolean {
  if (rule.kind === 'bearer') return /^Bearer\s+\S+/i.test(requestHeader(c, 'authorization') ?? '')
  if (rule.kind === 'basic') {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(requestHeader(c, 'authorization') ?? '')
    return match !== null && Buffer.from(match[1]!, 'base64').toString('utf8').includes(':')
  }
  const name = rule.name!
  if (rule.in === 'query') return (new URL(c.req.url).searchParams.get(name) ?? '') !== ''
  if (rule.in === 'cookie') {
    const cookies = (requestHeader(c, 'cookie') ?? '').split(';').map((part) => part.trim().split('=', 2))
    return cookies.some(([key, value]) => key === name && (value ?? '') !== '')
  }
  return (requestHeader(c, name) ?? '').trim() !== ''
}

/** Resource routes whose operations declare security: checked before the route answers. */
export function registerSecurityGuards(
  app: Hono,
  guards: readonly { method: string; path: string; security: SecurityAlternatives }[],
  basePath: string,
): void {
  for (const guard of guards) {
    app.on(guard.method, `${basePath}${guard.path}`, async (c, next) => {
      checkCredentials(c, guard.security)
      await next()
    })
  }
}
