import type { Hono } from 'hono'
import { type AppOptions, createApp } from '../../src/http/app.ts'
import { createMockApp } from '../../src/server/build-mock.ts'

/** A manifest exercising every kind of credential and rule. */
export function authManifest(auth: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Auth demo',
    basePath: '/api',
    auth: {
      apiKeys: { header: 'X-API-Key', keys: { 'k-demo': { scopes: ['read'] } } },
      bearer: { tokens: { 't-admin': { scopes: ['read', 'write'] } } },
      clients: { 'demo-client': { secret: 's3cret', scopes: ['read', 'write'] } },
      users: {
        ada: {
          password: 'pw',
          scopes: ['read', 'write'],
          claims: { name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin' },
        },
        bob: { password: 'pw', scopes: ['read'], claims: { email: 'bob@example.com' } },
      },
      login: { path: '/auth/login', username: 'email' },
      tokens: { ttl: '15m', refreshTtl: '7d', algorithm: 'RS256' },
      protect: 'writes',
      ...auth,
    },
    resources: {
      customers: {
        fields: { name: { type: 'string', required: true } },
      },
      invoices: {
        auth: { read: ['read'], write: ['write'] },
        fields: {
          customerId: { type: 'integer', ref: 'customers', required: true },
          amount: { type: 'number', required: true },
        },
      },
      notes: {
        auth: { owner: 'ownerId' },
        fields: {
          ownerId: { type: 'string' },
          customerId: { type: 'integer', ref: 'customers' },
          text: { type: 'string', required: true },
        },
      },
      attachments: {
        fields: { noteId: { type: 'integer', ref: 'notes', required: true }, name: { type: 'string' } },
      },
      health: { auth: 'public', singleton: true },
    },
  }
}

export const AUTH_DATA: Record<string, unknown> = {
  customers: [
    { id: 1, name: 'Acme' },
    { id: 2, name: 'Globex' },
  ],
  invoices: [{ id: 1, customerId: 1, amount: 10 }],
  notes: [
    { id: 1, ownerId: 'ada', customerId: 1, text: 'ada note' },
    { id: 2, ownerId: 'bob', customerId: 1, text: 'bob note' },
    { id: 3, ownerId: 'ada', customerId: 2, text: 'ada second' },
  ],
  attachments: [{ id: 1, noteId: 2, name: 'bob.pdf' }],
  health: { status: 'ok' },
}

/**
 * The auth manifest's app, in process, with app options such as `clock` (token times), `auth: false`
 * or `showSecrets`; `manifest` replaces the manifest.
 */
export function authApp(options: Partial<AppOptions> & { manifest?: unknown } = {}): Hono {
  const { manifest, ...appOptions } = options
  const { engine } = createMockApp({ manifest: manifest ?? authManifest(), data: AUTH_DATA, seed: 1 })
  return createApp({ engine, ...appOptions })
}

export const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})

export const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
})

/** HS256 with a fixed secret: no RSA key to generate, so a test's mock starts at once. */
export const FAST_TOKENS: Record<string, unknown> = {
  tokens: { ttl: '15m', refreshTtl: '7d', algorithm: 'HS256', key: 'a-test-secret-of-at-least-32-chars!' },
}

/** The auth manifest with HS256 tokens and `auth` keys replaced, as an in-process app. */
export function fastAuthApp(options: Partial<AppOptions> = {}, auth: Record<string, unknown> = {}): Hono {
  return authApp({ manifest: authManifest({ ...FAST_TOKENS, ...auth }), ...options })
}

/** Gets a token from the token endpoint (password grant for users, client credentials otherwise). */
export async function tokenFor(app: Hono, who: string, scope?: string): Promise<Record<string, string>> {
  const fields: Record<string, string> =
    who === 'demo-client'
      ? { grant_type: 'client_credentials', client_id: who, client_secret: 's3cret' }
      : { grant_type: 'password', username: who, password: 'pw' }
  if (scope !== undefined) fields.scope = scope
  const response = await app.request('/__restmock/oauth/token', form(fields))
  if (response.status !== 200)
    throw new Error(`token for ${who}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, string>
}
