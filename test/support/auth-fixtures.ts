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
