import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { crmMock, json } from '../support/helpers.ts'

const tagOf = async (mock: ReturnType<typeof crmMock>, path: string): Promise<string> => {
  const response = await mock.request(path)
  assert.equal(response.status, 200)
  const etag = response.headers.get('etag')
  assert.ok(etag?.startsWith('W/"'), `weak ETag on ${path}: ${etag}`)
  return etag ?? ''
}

const conditional = (etag: string): RequestInit => ({ headers: { 'if-none-match': etag } })

describe('list ETags', () => {
  test('the same query on the same data gets the same weak ETag, and If-None-Match gets a 304', async () => {
    const mock = crmMock()
    const etag = await tagOf(mock, '/api/customers?_sort=name')
    assert.equal(await tagOf(mock, '/api/customers?_sort=name'), etag)
    const cached = await mock.request('/api/customers?_sort=name', conditional(etag))
    assert.equal(cached.status, 304)
    assert.equal(cached.headers.get('etag'), etag)
    assert.equal(await cached.text(), '')
    // the strong form and a list of candidates match too (weak comparison)
    assert.equal((await mock.request('/api/customers?_sort=name', conditional(etag.slice(2)))).status, 304)
    assert.equal((await mock.request('/api/customers?_sort=name', conditional(`"x", ${etag}`))).status, 304)
    assert.equal((await mock.request('/api/customers?_sort=name', conditional('*'))).status, 304)
    // HEAD carries it as GET does
    const head = await mock.request('/api/customers?_sort=name', { method: 'HEAD' })
    assert.equal(head.headers.get('etag'), etag)
  })

  test('another query, page or path gets another tag', async () => {
    const mock = crmMock()
    const tags = await Promise.all(
      [
        '/api/customers',
        '/api/customers?_sort=name',
        '/api/customers?_page=2&_limit=1',
        '/api/customers?_embed=invoices',
        '/api/invoices',
        '/api/customers/1/invoices',
      ].map((path) => tagOf(mock, path)),
    )
    assert.equal(new Set(tags).size, tags.length)
  })

  test('a write that changes the collection gives a new tag; the old one no longer gets a 304', async () => {
    const mock = crmMock()
    const before = await tagOf(mock, '/api/customers')
    const created = await mock.request(
      '/api/customers',
      json('POST', { name: 'Katherine', email: 'kj@nasa.gov' }),
    )
    assert.equal(created.status, 201)
    const after = await tagOf(mock, '/api/customers')
    assert.notEqual(after, before)
    const fresh = await mock.request('/api/customers', conditional(before))
    assert.equal(fresh.status, 200)
    assert.equal(((await fresh.json()) as unknown[]).length, 3)
    for (const init of [
      json('PATCH', { plan: 'enterprise' }),
      json('PUT', { name: 'Ada', email: 'ada@example.com' }),
    ]) {
      const previous = await tagOf(mock, '/api/customers')
      assert.equal((await mock.request('/api/customers/1', init)).status, 200)
      assert.notEqual(await tagOf(mock, '/api/customers'), previous)
    }
    const previous = await tagOf(mock, '/api/customers')
    await mock.reset()
    assert.notEqual(await tagOf(mock, '/api/customers'), previous)
  })

  test('a refused write or a write elsewhere keeps the tag; a write to an embedded collection changes it', async () => {
    const mock = crmMock()
    const plain = await tagOf(mock, '/api/customers')
    const embedded = await tagOf(mock, '/api/customers?_embed=invoices')
    const refused = await mock.request('/api/customers', json('POST', { name: 'No email' }))
    assert.equal(refused.status, 422)
    assert.equal((await mock.request('/api/tags', json('POST', { id: 't2', label: 'late' }))).status, 201)
    assert.equal(await tagOf(mock, '/api/customers'), plain)
    assert.equal((await mock.request('/api/customers', conditional(plain))).status, 304)
    assert.equal(await tagOf(mock, '/api/customers?_embed=invoices'), embedded)
    assert.equal((await mock.request('/api/invoices/2', json('PATCH', { status: 'paid' }))).status, 200)
    assert.equal(await tagOf(mock, '/api/customers'), plain)
    assert.notEqual(await tagOf(mock, '/api/customers?_embed=invoices'), embedded)
  })

  test('a delete that cascades changes the tags of every collection it touched', async () => {
    const mock = crmMock()
    const invoices = await tagOf(mock, '/api/invoices')
    const tags = await tagOf(mock, '/api/tags')
    assert.equal((await mock.request('/api/customers/1', { method: 'DELETE' })).status, 204)
    assert.notEqual(await tagOf(mock, '/api/invoices'), invoices)
    assert.notEqual(await tagOf(mock, '/api/tags'), tags)
  })
})
