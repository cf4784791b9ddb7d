import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import openapiTS from 'openapi-typescript'
import { exportOpenApi, type OpenApiDocument } from '../../src/core/openapi/export-document.ts'
import { createMock } from '../../src/index.ts'
import { loadSource } from '../../src/server/load-source.ts'
import { fixture, json } from '../support/helpers.ts'

/**
 * The exported document is real OpenAPI: a validator accepts it, openapi-typescript turns it into types
 * that compile, and what the mock answers matches the schemas it declares.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const seed = (name: string): string => join(ROOT, 'seeds', name)

const SOURCES: Record<string, string> = {
  'the demo manifest': seed('restmock.yaml'),
  'the test CRM manifest': fixture('crm.yaml'),
  'a zero-config db.json': seed('db.json'),
  'the auth demo manifest': seed('auth-demo.yaml'),
}

const documentOf = (source: string, includeAdmin = false): OpenApiDocument =>
  exportOpenApi(loadSource(source).manifest, { includeAdmin })

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Doc = any

const dir = mkdtempSync(join(tmpdir(), 'restmock-openapi-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('the exported document passes an OpenAPI 3.1 validator', () => {
  for (const [label, source] of Object.entries(SOURCES)) {
    test(label, async () => {
      for (const includeAdmin of [false, true]) {
        const result = await new Validator().validate(documentOf(source, includeAdmin))
        assert.deepEqual(result.errors, undefined, `includeAdmin: ${includeAdmin}`)
        assert.equal(result.valid, true)
      }
    })
  }
})

test('openapi-typescript generates types from it that compile and type the records', async () => {
  const files: string[] = []
  for (const [index, source] of Object.values(SOURCES).entries()) {
    const name = `api${index}.ts`
    writeFileSync(join(dir, name), await openapiTS(documentOf(source) as never))
    files.push(name)
  }
  // a client written against the generated types: the demo's records, queries and bodies
  writeFileSync(
    join(dir, 'client.ts'),
    `import type { components, operations, paths } from './api0.ts'
type Customer = components['schemas']['Customer']
type CustomerInput = components['schemas']['CustomerInput']
type ListQuery = NonNullable<operations['listCustomers']['parameters']['query']>
export const id: Customer['id'] = 1
export const tier: NonNullable<Customer['loyaltyTier']> = 'gold'
export const input: CustomerInput = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }
export const query: ListQuery = { loyaltyTier: ['gold'], _page: 2, _embed: ['appointments'] }
export type Created = paths['/customers']['post']['responses'][201]['content']['application/json']
export const created: Created['email'] = 'ada@example.com'
// @ts-expect-error read-only fields are not part of a request body
export const bad: CustomerInput = { ...input, loyaltyPoints: 3 }
`,
  )
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = spawnSync(
    process.execPath,
    [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', ...files, 'client.ts'],
    { cwd: dir, encoding: 'utf8' },
  )
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`)
})

describe('what the mock answers matches the document', () => {
  // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
  const doc = documentOf(seed('restmock.yaml')) as any
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  ;(addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv)
  ajv.addSchema({ $id: 'openapi', components: doc.components })
  // a schema of the document, its references pointing into the document's components
  const check = (schema: object, value: unknown, what: string): void => {
    const validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')),
    )
    assert.ok(validate(value), `${what}: ${JSON.stringify(validate.errors)}`)
  }
  const responseSchema = (
    path: string,
    method: string,
    status: string,
    type = 'application/json',
  ): object => {
    let response = doc.paths[path][method].responses[status]
    if (response.$ref !== undefined) response = doc.components.responses[response.$ref.split('/').pop()]
    return response.content[type].schema
  }

  test('records of every resource, a created record, and problems', async () => {
    const mock = createMock({ source: seed('restmock.yaml') })
    for (const resource of ['customers', 'stylists', 'services', 'appointments', 'invoices', 'reviews']) {
      const list = (await (await mock.request(`/api/${resource}`)).json()) as unknown[]
      assert.ok(list.length > 0, resource)
      const itemSchema = responseSchema(`/${resource}/{id}`, 'get', '200')
      for (const record of list) check(itemSchema, record, resource)
    }
    check(
      responseSchema('/settings', 'get', '200'),
      await (await mock.request('/api/settings')).json(),
      'settings',
    )
    const created = await mock.request(
      '/api/customers',
      json('POST', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }),
    )
    assert.equal(created.status, 201)
    check(responseSchema('/customers', 'post', '201'), await created.json(), 'created customer')
    const invalid = await mock.request('/api/customers', json('POST', { firstName: '' }))
    assert.equal(invalid.status, 422)
    check(
      responseSchema('/customers', 'post', '422', 'application/problem+json'),
      await invalid.json(),
      '422',
    )
    const missing = await mock.request('/api/customers/999999')
    check(
      responseSchema('/customers/{id}', 'get', '404', 'application/problem+json'),
      await missing.json(),
      '404',
    )
    const page = await mock.request('/api/customers?_page=1&_per_page=2')
    const envelope = await page.json()
    assert.equal((envelope as { data: unknown[] }).data.length, 2)
    check(responseSchema('/customers', 'get', '200'), envelope, 'page envelope')
    const array = await (await mock.request('/api/customers?_page=1&_limit=2')).json()
    check(responseSchema('/customers', 'get', '200'), array, 'paged array')
  })
})

test('a manifest with auth declares its security schemes and what each operation needs', () => {
  const doc = documentOf(seed('auth-demo.yaml')) as Doc
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['apiKeyAuth', 'bearerAuth', 'oauth2'])
  assert.equal(
    doc.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl,
    '/__restmock/oauth/token',
  )
  const invoices = doc.paths['/invoices']
  assert.deepEqual(invoices.get.security, [{ bearerAuth: [] }, { oauth2: ['read'] }, { apiKeyAuth: [] }])
  assert.deepEqual(invoices.post.security, [{ bearerAuth: [] }, { oauth2: ['write'] }, { apiKeyAuth: [] }])
  assert.ok(invoices.get.responses['401'] && invoices.get.responses['403'])
  // owned rows need a user's token: no API key alternative
  assert.ok(!doc.paths['/notes'].get.security.some((option: object) => 'apiKeyAuth' in option))
  // public and open-for-reading operations need nothing
  assert.deepEqual(doc.paths['/health'].get.security, [])
  assert.deepEqual(doc.paths['/customers'].get.security, [])
  assert.equal(doc.paths['/customers'].get.responses['401'], undefined)
  // without auth: no schemes, no security, no 401/403 responses
  const plain = documentOf(seed('restmock.yaml')) as Doc
  assert.equal(plain.components.securitySchemes, undefined)
  assert.equal(plain.components.responses.Unauthorized, undefined)
  assert.equal(plain.paths['/customers'].get.security, undefined)
})
