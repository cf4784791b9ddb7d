import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  API_KEY_KEYS,
  AUTH_KEYS,
  BEARER_KEYS,
  CLIENT_KEYS,
  LOGIN_KEYS,
  RESOURCE_AUTH_KEYS,
  STATIC_KEYS,
  TOKEN_KEYS,
  USER_KEYS,
} from '../../src/core/auth/validate-auth.ts'
import { FIELD_KEYS } from '../../src/core/manifest/validate-field.ts'
import { RESOURCE_KEYS, TOP_LEVEL_KEYS } from '../../src/core/manifest/validate-manifest.ts'
import {
  createMock,
  type FieldDef,
  type Manifest,
  type ManifestAuth,
  type ResourceAuth,
  type ResourceDef,
  type StaticCredential,
} from '../../src/index.ts'

/**
 * The exported manifest types describe what a user writes. Each literal below must name every key of
 * its type (`satisfies Record<keyof T, true>` fails to compile on a missing or extra key), and the
 * tests compare them with the keys the manifest checks accept, so the types and the checks cannot drift.
 */
type Keys<T> = Record<keyof T, true>
type Of<T> = NonNullable<T>
const manifestKeys = {
  name: true,
  basePath: true,
  data: true,
  seed: true,
  locale: true,
  simulate: true,
  routes: true,
  extensions: true,
  resources: true,
  auth: true,
  openapi: true,
} satisfies Keys<Manifest>
const resourceKeys = {
  id: true,
  idField: true,
  count: true,
  timestamps: true,
  singleton: true,
  additionalFields: true,
  fields: true,
  simulate: true,
  description: true,
  auth: true,
} satisfies Keys<ResourceDef>
const fieldKeys = {
  type: true,
  required: true,
  nullable: true,
  readOnly: true,
  unique: true,
  format: true,
  enum: true,
  minimum: true,
  maximum: true,
  exclusiveMinimum: true,
  exclusiveMaximum: true,
  minLength: true,
  maxLength: true,
  pattern: true,
  minItems: true,
  maxItems: true,
  items: true,
  properties: true,
  default: true,
  ref: true,
  onDelete: true,
  faker: true,
  description: true,
  from: true,
  after: true,
} satisfies Keys<FieldDef>
const authKeys = {
  apiKeys: true,
  bearer: true,
  clients: true,
  users: true,
  login: true,
  tokens: true,
  protect: true,
} satisfies Keys<ManifestAuth>
const apiKeyKeys = { header: true, keys: true } satisfies Keys<Of<ManifestAuth['apiKeys']>>
const bearerKeys = { tokens: true } satisfies Keys<Of<ManifestAuth['bearer']>>
const staticKeys = { scopes: true, user: true } satisfies Keys<StaticCredential>
const clientKeys = { secret: true, scopes: true } satisfies Keys<Of<ManifestAuth['clients']>[string]>
const userKeys = { password: true, scopes: true, claims: true } satisfies Keys<
  Of<ManifestAuth['users']>[string]
>
const loginKeys = { path: true, username: true } satisfies Keys<Of<ManifestAuth['login']>>
const tokenKeys = {
  ttl: true,
  refreshTtl: true,
  algorithm: true,
  key: true,
  leeway: true,
} satisfies Keys<Of<ManifestAuth['tokens']>>
const resourceAuthKeys = { read: true, write: true, owner: true, public: true } satisfies Keys<
  Exclude<ResourceAuth, string>
>

const sorted = (keys: Iterable<string>): string[] => [...keys].sort()

describe('the exported manifest types', () => {
  const pairs: Array<[string, object, readonly string[]]> = [
    ['Manifest', manifestKeys, TOP_LEVEL_KEYS],
    ['ResourceDef', resourceKeys, RESOURCE_KEYS],
    ['FieldDef', fieldKeys, FIELD_KEYS],
    ['ManifestAuth', authKeys, AUTH_KEYS],
    ["ManifestAuth['apiKeys']", apiKeyKeys, API_KEY_KEYS],
    ["ManifestAuth['bearer']", bearerKeys, BEARER_KEYS],
    ['StaticCredential', staticKeys, STATIC_KEYS],
    ['a client', clientKeys, CLIENT_KEYS],
    ['a user', userKeys, USER_KEYS],
    ["ManifestAuth['login']", loginKeys, LOGIN_KEYS],
    ["ManifestAuth['tokens']", tokenKeys, TOKEN_KEYS],
    ['ResourceAuth', resourceAuthKeys, RESOURCE_AUTH_KEYS],
  ]
  for (const [name, typed, checked] of pairs) {
    test(`${name} has the keys the manifest checks accept`, () => {
      assert.deepEqual(sorted(Object.keys(typed)), sorted(checked))
    })
  }

  test('a manifest written against them is served as written', async () => {
    const manifest = {
      name: 'Typed shop',
      basePath: '/api',
      seed: 7,
      locale: 'en',
      simulate: { latency: 0 },
      routes: { 'POST /orders': { errors: 0 } },
      auth: {
        apiKeys: { header: 'X-API-Key', keys: { 'key-1': { scopes: ['read', 'write'], user: 'ada' } } },
        bearer: { tokens: { 'static-token': { scopes: 'read' } } },
        clients: { web: { secret: 'web-secret', scopes: ['read'] } },
        users: { ada: { password: 'pw', scopes: ['read', 'write'], claims: { name: 'Ada' } } },
        login: { path: '/auth/login', username: 'username' },
        tokens: { ttl: '15m', refreshTtl: 3600, algorithm: 'HS256', key: 'k'.repeat(32), leeway: '5s' },
        protect: 'writes',
      },
      resources: {
        tags: { id: 'string', count: 3, fields: { label: { type: 'string', faker: 'word.noun' } } },
        customers: {
          count: 2,
          timestamps: true,
          description: 'people who buy',
          fields: {
            firstName: { type: 'string', required: true, maxLength: 40 },
            lastName: { type: 'string', required: true },
            email: {
              type: 'string',
              format: 'email',
              unique: { caseInsensitive: true },
              from: ['firstName', 'lastName'],
            },
            address: {
              type: 'object',
              properties: { city: { type: 'string', faker: { method: 'location.city' } } },
            },
          },
        },
        orders: {
          count: 4,
          auth: { read: 'read', write: ['write'] },
          simulate: { errors: false },
          fields: {
            customerId: { type: 'integer', ref: 'customers', required: true, onDelete: 'cascade' },
            tagIds: { type: 'array', items: { type: 'string', ref: 'tags' }, maxItems: 3, default: [] },
            total: { type: 'number', minimum: 0, exclusiveMaximum: 1e6, default: 0 },
            placedAt: { type: 'string', format: 'date-time', readOnly: true, nullable: true },
            status: { type: 'string', enum: ['new', 'paid'], default: 'new' },
          },
        },
        settings: { singleton: true, additionalFields: true, auth: 'public' },
        notes: null,
      },
    } satisfies Manifest
    const mock = createMock({ manifest })
    assert.equal(mock.seed, 7)
    const orders = await mock.request('/api/orders', { headers: { 'x-api-key': 'key-1' } })
    assert.equal(orders.status, 200)
    assert.equal(((await orders.json()) as unknown[]).length, 4)
    const refused = await mock.request('/api/orders', { method: 'POST', body: '{}' })
    assert.equal(refused.status, 401)
  })
})
