import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { tempDir } from '../support/cli-helpers.ts'
import { crmMock, expectProblem } from '../support/helpers.ts'
import { serveInProcess } from '../support/serve-in-process.ts'

// A 404 for a path one typo away from a resource (json-server users often mix up singular and plural,
// or leave out the base path) names the resource they probably meant; other 404s keep their detail.
describe('404 hints for mistyped resource paths', () => {
  test('a singular collection name suggests the plural one', async () => {
    const mock = crmMock()
    const problem = await expectProblem(await mock.request('/api/customer'), 404, 'not_found')
    assert.equal(problem.detail, 'no resource "customer" at /api/customer; did you mean /api/customers?')
    assert.equal(problem.instance, '/api/customer')
  })

  test('the rest of the path is kept in the suggestion, for every method', async () => {
    const mock = crmMock()
    const item = await expectProblem(await mock.request('/api/invoice/7'), 404, 'not_found')
    assert.equal(item.detail, 'no resource "invoice" at /api/invoice/7; did you mean /api/invoices/7?')
    const post = await expectProblem(
      await mock.request('/api/note', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
      404,
      'not_found',
    )
    assert.equal(post.detail, 'no resource "note" at /api/note; did you mean /api/notes?')
    const deep = await expectProblem(await mock.request('/api/tag/1/a/b'), 404, 'not_found')
    assert.equal(deep.detail, 'no resource "tag" at /api/tag/1/a/b; did you mean /api/tags/1/a/b?')
  })

  test('a path without the base path suggests it', async () => {
    const mock = crmMock()
    const problem = await expectProblem(await mock.request('/customers/1'), 404, 'not_found')
    assert.equal(problem.detail, 'no resource "customers" at /customers/1; did you mean /api/customers/1?')
  })

  test('no close match: the 404 keeps its usual detail', async () => {
    const mock = crmMock()
    const unknown = await expectProblem(await mock.request('/api/warehouses'), 404, 'not_found')
    assert.equal(unknown.detail, 'there is no resource named "warehouses"')
    const elsewhere = await expectProblem(await mock.request('/favicon.ico'), 404, 'not_found')
    assert.equal(elsewhere.detail, 'no route matches GET /favicon.ico')
  })

  test('a missing record of a known resource is not a typo', async () => {
    const mock = crmMock()
    const problem = await expectProblem(await mock.request('/api/customers/999'), 404, 'not_found')
    assert.doesNotMatch(problem.detail ?? '', /did you mean/)
  })

  test("through the CLI's serve command (in-process): restmock db.json --base-path /api", async () => {
    const dir = await tempDir()
    const db = join(dir, 'db.json')
    await writeFile(db, JSON.stringify({ products: [{ id: 1, name: 'Lamp' }], profile: { name: 'shop' } }))
    const server = await serveInProcess([db, '--in-memory', '--port', '0', '--quiet', '--base-path', '/api'])
    try {
      const hinted = await expectProblem(await fetch(`${server.url}/api/product`), 404, 'not_found')
      assert.equal(hinted.detail, 'no resource "product" at /api/product; did you mean /api/products?')
      const found = await fetch(`${server.url}/api/products/1`)
      assert.equal(found.status, 200)
      assert.deepEqual(await found.json(), { id: 1, name: 'Lamp' })
    } finally {
      await server.close()
    }
  })
})
