import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createMock } from '../../src/index.ts'

const DB = { posts: [{ id: 1, title: 'a' }] }

describe('GET /__rules (json-server 0.17)', () => {
  test('answers the rewrite rules as given, never rewritten by a catch-all rule', async () => {
    const routes = { '/api/*': '/$1', '/*': '/posts', '/:resource/:id/show': '/:resource/:id' }
    const app = createMock({ data: structuredClone(DB), routes })
    const response = await app.request('/__rules', { headers: { origin: 'http://localhost:5173' } })
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
    assert.ok(response.headers.get('access-control-allow-origin'), 'CORS like every answer')
    assert.deepEqual(await response.json(), routes)
    assert.equal((await app.request('/__rules', { method: 'HEAD' })).status, 200)
    // other methods are not the rules page: the catch-all rule sends them to /posts
    assert.equal(
      (
        await app.request('/__rules', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      201,
    )
  })

  test('an empty set of rules answers {}; without --routes there is no such page', async () => {
    const empty = createMock({ data: structuredClone(DB), routes: {} })
    assert.deepEqual(await (await empty.request('/__rules')).json(), {})
    const none = createMock({ data: structuredClone(DB) })
    assert.equal((await none.request('/__rules')).status, 404)
  })
})
