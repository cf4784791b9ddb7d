import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'
import { crmMock, json } from '../support/helpers.ts'

describe('hostile and edge-case input', () => {
  test('a "__proto__" key anywhere in a body is a 400, never a silent prototype change', async () => {
    const app = crmMock()
    for (const body of [
      '{"name":"Ada","email":"ada2@example.com","__proto__":{"plan":"gold"}}',
      '{"name":"Ada","email":"ada2@example.com","address":{"city":"x","__proto__":{"a":1}}}',
    ]) {
      const response = await app.request('/api/customers', json('POST', body))
      assert.equal(response.status, 400)
      assert.equal(((await response.json()) as { code: string }).code, 'invalid_body')
    }
  })

  test('resources may be named like Object.prototype members', async () => {
    const app = createMock({ manifest: { resources: { constructor: {}, toString: { singleton: true } } } })
    assert.deepEqual(await (await app.request('/constructor')).json(), [])
    assert.equal((await app.request('/constructor', json('POST', { a: 1 }))).status, 201)
    assert.deepEqual(await (await app.request('/toString')).json(), {})
  })

  test('numeric ids must be safe integers; an exhausted integer id space is a clear 409', async () => {
    const zero = createMock({ data: { posts: [] } })
    for (const id of [1e300, 2.5]) {
      const response = await zero.request('/posts', json('POST', { id }))
      assert.equal(response.status, 422, String(id))
    }
    const app = createMock({ manifest: { resources: { posts: {} } }, data: { posts: [] } })
    assert.equal((await app.request('/posts', json('POST', { id: Number.MAX_SAFE_INTEGER }))).status, 201)
    const next = await app.request('/posts', json('POST', {}))
    assert.equal(next.status, 409)
    assert.match(((await next.json()) as { detail: string }).detail, /used every integer id/)
    assert.equal(
      (await app.request('/posts', json('POST', { id: 7 }))).status,
      201,
      'explicit ids still work',
    )
  })
})

describe('Idempotency-Key', () => {
  const post = (app: ReturnType<typeof crmMock>, body: string, headers: Record<string, string> = {}) =>
    app.request('/api/invoices', json('POST', body, { 'idempotency-key': 'k', ...headers }))

  test('the same body with its keys in another order replays', async () => {
    const app = crmMock()
    assert.equal((await post(app, '{"customerId":1,"amount":9}')).status, 201)
    const again = await post(app, '{"amount":9,"customerId":1}')
    assert.equal(again.status, 201)
    assert.equal(again.headers.get('idempotent-replayed'), 'true')
  })

  test('a replay carries the CORS headers of its own caller', async () => {
    const app = crmMock()
    await post(app, '{"customerId":1,"amount":9}', { origin: 'http://a.test' })
    const replay = await post(app, '{"customerId":1,"amount":9}', { origin: 'http://b.test' })
    assert.equal(replay.headers.get('access-control-allow-origin'), 'http://b.test')
  })

  test('reset forgets every key', async () => {
    const app = crmMock()
    const first = (await (await post(app, '{"customerId":1,"amount":9}')).json()) as { id: number }
    await app.reset()
    const second = await post(app, '{"customerId":1,"amount":9}')
    assert.equal(second.headers.get('idempotent-replayed'), null)
    assert.equal(((await second.json()) as { id: number }).id, first.id, 'created again from the seed')
    assert.equal(((await (await app.request('/api/invoices')).json()) as unknown[]).length, 3)
  })
})

describe('simulation edge cases', () => {
  test('fault=malformed on a bodiless answer (204) does not turn into a 500', async () => {
    const app = crmMock()
    const response = await app.request('/api/invoices/2', {
      method: 'DELETE',
      headers: { prefer: 'fault=malformed' },
    })
    assert.notEqual(response.status, 500)
    assert.equal(response.status, 204)
  })

  test('admin validation errors use RFC 6901 pointers', async () => {
    const app = crmMock()
    const response = await app.request('/__restmock/db', json('PUT', { invoices: [{ customerId: 1 }] }))
    assert.equal(response.status, 422)
    const body = (await response.json()) as { errors: { pointer: string }[] }
    assert.ok(
      body.errors.some((error) => error.pointer === '/invoices/0/amount'),
      JSON.stringify(body.errors),
    )
    assert.ok(body.errors.every((error) => !error.pointer.includes('[')))
  })
})

describe('very long query values', () => {
  test('q and text operators with a 50k-character value answer normally (no regexp is too large)', async () => {
    const long = 'a'.repeat(50_000)
    const zero = createMock({
      data: {
        posts: [
          { id: 1, title: `x${long}y` },
          { id: 2, title: 'short' },
        ],
      },
    })
    for (const query of [
      `q=${long}`,
      `title:contains=${long}`,
      `title:startsWith=x${long}`,
      `title:endsWith=${long}y`,
    ]) {
      const response = await zero.request(`/posts?${query}`)
      assert.equal(response.status, 200, query.slice(0, 20))
      assert.deepEqual(
        ((await response.json()) as { id: number }[]).map((post) => post.id),
        [1],
        query.slice(0, 20),
      )
    }
  })
})
